"""Whether an uploaded file is what it says it is, for every app's uploads.

A file passes when it is small enough, its name ends in an allowed extension, and its
first bytes (read by the ``filetype`` library, not taken from the browser's word) show
the same kind; a photo must also open as a picture. The name matters because files are
served later with the type their name gives.
"""

from __future__ import annotations

import os

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"

# The extensions a file of each kind may have.
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",)}
# The extension a stored file of each kind gets when we name it ourselves.
EXTENSION_OF = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
# Scanned documents (agreements, case attachments) and photos.
DOCUMENT_KINDS = (PDF, JPEG, PNG)
PHOTO_KINDS = (JPEG, PNG)

FILE_TOO_LARGE = _("The file is larger than 10 MB.")
FILE_WRONG_KIND = _("Upload a PDF, JPG or PNG file.")
FILE_NOT_REAL = _("The file is not a real PDF, JPG or PNG.")
PHOTO_TOO_LARGE = _("The photo is larger than 5 MB.")
PHOTO_WRONG_KIND = _("Upload a JPG or PNG photo.")
PHOTO_NOT_REAL = _("The file is not a real JPG or PNG photo.")

# filetype needs at most this many bytes from the start of a file.
HEAD_BYTES = 261


def kind_by_name(name: str) -> str | None:
    """The kind (MIME type) a file's extension says, if it is one we know."""
    extension = os.path.splitext(name or "")[1].lower()
    return next((kind for kind, exts in EXTENSIONS.items() if extension in exts), None)


def kind_by_content(upload) -> str | None:
    """The kind (MIME type) a file's first bytes show, whatever its name says."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    guess = filetype.guess(head)
    return guess.mime if guess else None


def _refuse(message, field: str | None):
    return ValidationError({field: message} if field else message)


def check_upload(
    upload,
    *,
    kinds: tuple[str, ...],
    max_bytes: int,
    too_large=FILE_TOO_LARGE,
    wrong_kind=FILE_WRONG_KIND,
    not_real=FILE_NOT_REAL,
    picture: bool = False,
    field: str | None = None,
) -> str:
    """Refuse a file that is too large, whose name is not one of ``kinds``, or whose bytes
    are not the kind its name says (and, with ``picture``, that does not open as one).

    Returns the kind; the ValidationError is on ``field`` if one is given.
    """
    if upload.size > max_bytes:
        raise _refuse(too_large, field)
    kind = kind_by_name(upload.name)
    if kind not in kinds:
        raise _refuse(wrong_kind, field)
    if kind_by_content(upload) != kind:
        raise _refuse(not_real, field)
    if picture:
        try:
            with Image.open(upload) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise _refuse(not_real, field) from None
        finally:
            upload.seek(0)
    return kind


def check_document(upload, *, max_bytes: int, field: str | None = None) -> str:
    """A PDF, JPG or PNG of at most ``max_bytes`` (agreements, case attachments)."""
    return check_upload(upload, kinds=DOCUMENT_KINDS, max_bytes=max_bytes, field=field)


def check_photo(
    upload, *, field: str | None = None, wrong_kind=PHOTO_WRONG_KIND, not_real=PHOTO_NOT_REAL
) -> str:
    """A real JPG or PNG photo of at most PHOTO_MAX_BYTES."""
    return check_upload(
        upload,
        kinds=PHOTO_KINDS,
        max_bytes=settings.PHOTO_MAX_BYTES,
        too_large=PHOTO_TOO_LARGE,
        wrong_kind=wrong_kind,
        not_real=not_real,
        picture=True,
        field=field,
    )


@deconstructible
class UploadValidator:
    """The same checks as a model field validator, so a file uploaded through Django admin
    (or any ModelForm) is checked like one uploaded through the portal's own forms.

    ``kind`` is "document" (PDF, JPG or PNG up to the size in setting ``max_bytes_setting``)
    or "photo". A file already stored is not read again when its record is edited.
    """

    def __init__(self, kind: str = "document", max_bytes_setting: str = "AGREEMENT_MAX_BYTES"):
        self.kind = kind
        self.max_bytes_setting = max_bytes_setting

    def __call__(self, value) -> None:
        if not value or getattr(value, "_committed", True):
            return
        if self.kind == "photo":
            check_photo(value)
        else:
            check_document(value, max_bytes=getattr(settings, self.max_bytes_setting))

    def __eq__(self, other) -> bool:
        return isinstance(other, UploadValidator) and (self.kind, self.max_bytes_setting) == (
            other.kind,
            other.max_bytes_setting,
        )

    def __hash__(self) -> int:
        return hash((self.kind, self.max_bytes_setting))
