"""Checking files sent with enquiries: size, extension, and what the content really is.

The extension must be one of ``ENQUIRY_ATTACHMENT_TYPES`` and the content must agree with it:
binary formats are recognised by their magic bytes (package ``filetype``, which also tells a
Word or Excel file from any other zip); text formats (csv, txt) must be UTF-8 text without
NUL bytes. A ``.pdf`` that is really a program is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

#: What the content of each allowed extension must be recognised as (None: text).
CONTENT_OF: dict[str, str | None] = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "png": "png",
    "jpg": "jpg",
    "jpeg": "jpg",
    "csv": None,
    "txt": None,
}

MIME_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "csv": "text/csv",
    "txt": "text/plain",
}

_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class CheckedFile:
    """An uploaded file that passed the checks, with its extension and content type."""

    upload: UploadedFile[bytes]
    name: str
    extension: str
    content_type: str
    size: int


def allowed_extensions() -> list[str]:
    return [e.lower() for e in settings.ENQUIRY_ATTACHMENT_TYPES if e.lower() in CONTENT_OF]


def describe_limits() -> str:
    """The limits in words, for form hints."""
    types = ", ".join(sorted({e.upper() for e in allowed_extensions()} - {"JPEG"}))
    return (
        f"Up to {settings.ENQUIRY_ATTACHMENTS_PER_MESSAGE} files, each up to "
        f"{filesizeformat(settings.ENQUIRY_ATTACHMENT_MAX_BYTES)}: {types}."
    )


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        return error.start >= len(head) - 3
    return True


def check_upload(upload: UploadedFile[bytes]) -> CheckedFile:
    """Raise ``ValidationError`` (a message naming the file) unless ``upload`` may be attached."""
    name = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].strip() or "file"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = allowed_extensions()
    if extension not in allowed:
        raise ValidationError(
            f"{name} must be one of these types: {', '.join(sorted(set(allowed)))}"
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError(f"{name} is empty")
    if size > settings.ENQUIRY_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            f"{name} must be smaller than {filesizeformat(settings.ENQUIRY_ATTACHMENT_MAX_BYTES)}"
        )
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    expected = CONTENT_OF[extension]
    if expected is None:
        # Text formats have no magic bytes: refuse anything a sniffer recognises as binary.
        if filetype.guess(head) is not None or not _is_text(head):
            raise ValidationError(f"{name} is not a text file, although its name ends .{extension}")
    else:
        # filetype reads the first 8 KB, which for docx and xlsx includes the zip's first
        # entries, so it tells them from other zips.
        if filetype.guess_extension(head) != expected:
            raise ValidationError(
                f"{name} is not really a .{extension} file; save it again as .{extension} and retry"
            )
    return CheckedFile(
        upload=upload,
        name=name[:255],
        extension=extension,
        content_type=MIME_TYPES[extension],
        size=size,
    )
