"""Decide an uploaded file's type from its content (magic bytes), never from its name.

PDF and images by their signatures (the `filetype` package); HWP is an OLE2 compound file
(D0CF11E0…) with the HWP "FileHeader" stream; HWPX, XLSX and DOCX are zip packages told apart
by the names inside them. Anything else (an .exe renamed .pdf, a zip of other things) has no
type here and is refused.
"""

from __future__ import annotations

import zipfile

import filetype

OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
# Directory entry names of an OLE2 file are UTF-16LE.
HWP_STREAM = "FileHeader".encode("utf-16-le")
HWP_SIGNATURE = b"HWP Document File"

EXTENSIONS = {
    "pdf": ("pdf",),
    "hwp": ("hwp",),
    "hwpx": ("hwpx",),
    "xlsx": ("xlsx",),
    "docx": ("docx",),
    "png": ("png",),
    "jpg": ("jpg", "jpeg"),
    "gif": ("gif",),
    "webp": ("webp",),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "hwp": "application/x-hwp",
    "hwpx": "application/hwp+zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}
_SIMPLE = {"pdf": "pdf", "png": "png", "jpg": "jpg", "gif": "gif", "webp": "webp"}


def _zip_kind(fileobj) -> str | None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:64].strip()
                if mimetype == b"application/hwp+zip":
                    return "hwpx"
            if "[Content_Types].xml" in names:
                if "xl/workbook.xml" in names:
                    return "xlsx"
                if "word/document.xml" in names:
                    return "docx"
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def _hwp(fileobj) -> bool:
    fileobj.seek(0)
    data = fileobj.read()
    return HWP_STREAM in data and HWP_SIGNATURE in data


def detect(fileobj) -> str | None:
    """Return the type key ('pdf', 'hwp', 'xlsx', 'png', …) of a seekable file, or None."""
    fileobj.seek(0)
    head = fileobj.read(8192)
    try:
        if head.startswith(OLE2):
            return "hwp" if _hwp(fileobj) else None
        if head.startswith(b"PK\x03\x04"):
            fileobj.seek(0)
            return _zip_kind(fileobj)
        kind = filetype.guess(head)
        return _SIMPLE.get(kind.extension) if kind else None
    finally:
        fileobj.seek(0)


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""
