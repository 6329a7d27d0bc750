#!/usr/bin/env python3
"""List untranslated and fuzzy entries of a gettext .po file (standard library only).

Usage: python scripts/po_untranslated.py [PO_FILE ...]
Default file: locale/en/LC_MESSAGES/django.po (relative to the repository root).
Exits 1 if any untranslated or fuzzy entry is found, 0 otherwise, so it can gate CI.
The header entry (empty msgid) and obsolete entries (#~) are ignored.
"""

import ast
import sys
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent.parent / "locale/en/LC_MESSAGES/django.po"


def parse(path):
    """Yield one dict per entry: refs, flags, msgctxt, msgid, msgid_plural, msgstr {index: text}."""
    entry, key = None, None

    def fresh():
        return {"refs": [], "flags": set(), "msgstr": {}, "line": None}

    entry = fresh()
    for lineno, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#~"):  # obsolete entry
            continue
        if line.startswith("#"):
            if "msgid" in entry:  # a comment starts the next entry
                yield entry
                entry, key = fresh(), None
            if line.startswith("#:"):
                entry["refs"].extend(line[2:].split())
            elif line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith('"'):  # continuation of the current string
            text = ast.literal_eval(line)
            if isinstance(key, int):
                entry["msgstr"][key] += text
            else:
                entry[key] += text
            continue
        word, _, rest = line.partition(" ")
        if word in ("msgctxt", "msgid") and "msgid" in entry:
            yield entry
            entry = fresh()
        text = ast.literal_eval(rest.strip())
        if word.startswith("msgstr["):
            key = int(word[7:-1])
            entry["msgstr"][key] = text
        elif word == "msgstr":
            key = 0
            entry["msgstr"][0] = text
        else:
            key = word
            entry[key] = text
            if word in ("msgctxt", "msgid") and entry["line"] is None:
                entry["line"] = lineno
    if "msgid" in entry:
        yield entry


def problems(path):
    for e in parse(path):
        if e["msgid"] == "":  # header
            continue
        if "fuzzy" in e["flags"]:
            yield "fuzzy", e
        elif not e["msgstr"] or any(s == "" for s in e["msgstr"].values()):
            yield "untranslated", e


def main(argv):
    files = argv[1:] or [DEFAULT]
    found = 0
    for path in files:
        for kind, e in problems(path):
            found += 1
            where = " ".join(e["refs"][:3]) or "-"
            print(f"{path}:{e['line']}: {kind}: {e['msgid']!r}  ({where})")
            if "msgid_plural" in e:
                print(f"    plural: {e['msgid_plural']!r}")
    print(f"{found} untranslated or fuzzy entr{'y' if found == 1 else 'ies'}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
