"""Read the text back out of the briefing PDF (reportlab: ASCII85+Flate streams, UCS-2 CID text).

No PDF library is needed: the briefing's fonts are CID fonts with the UniKS-UCS2-H encoding, so
every shown string is UTF-16BE inside a PDF literal string.
"""

import base64
import re
import zlib

STREAM = re.compile(rb"<<(?P<dict>.*?)>>\s*stream\r?\n(?P<data>.*?)endstream", re.S)
LITERAL = re.compile(rb"\((?P<body>(?:\\.|[^\\)])*)\)", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(body: bytes) -> bytes:
    def one(match):
        token = match.group(1)
        if token[:1].isdigit():
            return bytes([int(token, 8)])
        return ESCAPES.get(token, token)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, body, flags=re.S)


def _streams(pdf: bytes):
    for match in STREAM.finditer(pdf):
        data, filters = match.group("data").strip(), match.group("dict")
        if b"ASCII85Decode" in filters:
            data = base64.a85decode(data.removesuffix(b"~>"), adobe=False)
        if b"FlateDecode" in filters:
            data = zlib.decompress(data)
        yield data


def pdf_text(pdf: bytes) -> str:
    """Return the text drawn on the pages, string by string (joined without separators)."""
    parts = []
    for stream in _streams(pdf):
        for literal in LITERAL.finditer(stream):
            raw = _unescape(literal.group("body"))
            if len(raw) % 2 == 0:
                parts.append(raw.decode("utf-16-be", errors="replace"))
    return "".join(parts)


def pdf_author(pdf: bytes) -> str:
    """Return the document information's /Author."""
    match = re.search(rb"/Author " + LITERAL.pattern, pdf, re.S)
    raw = _unescape(match.group("body"))
    return raw.decode("utf-16") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")
