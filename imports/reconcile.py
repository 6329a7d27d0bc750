"""Match report rows with new codes to proposals that have no report code yet (대조).

Pure functions, no database: plan.py gives the rows and candidates and turns the matches into
link options. Two kinds of match, one proposal to one row at most:

- exact: the titles are equal after `title_key` (NFKC, case, spaces, middle dots, brackets and
  quotes removed). Proposed as a link, ticked by default, when exactly one new row and one
  candidate share the title; a title shared by more is ambiguous and only suggested.
- near: `fuzz.WRatio` of the normalised titles (spaces kept) is at least
  `settings.GP_IMPORT_MATCH_THRESHOLD` (default 85). Only suggested, never ticked.

Speed: a cheap prefilter in C++ (rapidfuzz's LCSseq on each title's sorted letters, i.e. the
share of letters two titles have in common) keeps only the pairs that share at least half
their letters; WRatio, about ten times slower, scores only those. 10,000 rows against 500
candidates take well under a second (bench/import_bench.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

EXACT, NEAR, REQUESTED = "exact", "near", "requested"
# Middle dots, brackets and quotes (after NFKC, so full-width forms are already folded).
_PUNCT = re.compile(r"[·・•ㆍ‧∙⋅\u00b7\u30fb‘’“”'\"「」『』()\[\]〈〉《》【】{}<>]+")
_SPACE = re.compile(r"\s+")
PREFILTER = 0.5  # share of letters (of the longer title) two titles must have in common
SUGGESTIONS_PER_PROPOSAL = 3


def normalize_title(title: str) -> str:
    """Return the title folded for comparison: NFKC, lower case, punctuation as spaces."""
    text = unicodedata.normalize("NFKC", title or "").casefold()
    return _SPACE.sub(" ", _PUNCT.sub(" ", text)).strip()


def title_key(title: str) -> str:
    """Return the title as compared for an exact match: `normalize_title` without spaces."""
    return normalize_title(title).replace(" ", "")


@dataclass(frozen=True)
class Match:
    key: str  # the row's code (management_no in the file)
    proposal_id: int
    kind: str  # EXACT or NEAR
    score: int
    ambiguous: bool = False

    @property
    def proposed(self) -> bool:
        """Whether the link is ticked by default (before the person's choice)."""
        return self.kind == EXACT and not self.ambiguous


def match_titles(
    rows: list[tuple[str, str]],
    candidates: list[tuple[int, str]],
    *,
    threshold: int | None = None,
) -> list[Match]:
    """Return exact and near matches of rows (key, title) with candidates (pk, title)."""
    if not rows or not candidates:
        return []
    threshold = settings.GP_IMPORT_MATCH_THRESHOLD if threshold is None else threshold
    rows_by_key: dict[str, list[str]] = {}
    for key, title in rows:
        rows_by_key.setdefault(title_key(title), []).append(key)
    cands_by_key: dict[str, list[int]] = {}
    for pk, title in candidates:
        cands_by_key.setdefault(title_key(title), []).append(pk)

    matches: list[Match] = []
    done_rows: set[str] = set()
    done_cands: set[int] = set()
    for tkey, pks in cands_by_key.items():
        keys = rows_by_key.get(tkey)
        if not tkey or not keys:
            continue
        ambiguous = len(keys) > 1 or len(pks) > 1
        matches += [Match(k, pk, EXACT, 100, ambiguous) for pk in pks for k in keys]
        done_rows.update(keys)
        done_cands.update(pks)

    rest_rows = [(key, normalize_title(title)) for key, title in rows if key not in done_rows]
    rest_cands = [(pk, normalize_title(t)) for pk, t in candidates if pk not in done_cands]
    if rest_rows and rest_cands:
        matches += _near(rest_rows, rest_cands, threshold)
    return matches


def _near(rows, candidates, threshold: int) -> list[Match]:
    letters = ["".join(sorted(title.replace(" ", ""))) for _key, title in rows]
    found: list[Match] = []
    for pk, title in candidates:
        if not title:
            continue
        mine = "".join(sorted(title.replace(" ", "")))
        close = process.extract(
            mine,
            letters,
            scorer=LCSseq.normalized_similarity,
            score_cutoff=PREFILTER,
            limit=None,
        )
        scored = []
        for _letters, _similarity, index in close:
            key, row_title = rows[index]
            score = fuzz.WRatio(title, row_title, score_cutoff=threshold)
            if score:
                scored.append((-score, key))
        scored.sort()
        found += [
            Match(key, pk, NEAR, round(-negative))
            for negative, key in scored[:SUGGESTIONS_PER_PROPOSAL]
        ]
    # A row suggested for several proposals (or a proposal for several rows) is ambiguous.
    per_row: dict[str, int] = {}
    per_cand: dict[int, int] = {}
    for m in found:
        per_row[m.key] = per_row.get(m.key, 0) + 1
        per_cand[m.proposal_id] = per_cand.get(m.proposal_id, 0) + 1
    return [
        Match(m.key, m.proposal_id, NEAR, m.score, max(per_row[m.key], per_cand[m.proposal_id]) > 1)
        for m in found
    ]
