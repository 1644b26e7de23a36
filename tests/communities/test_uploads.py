"""The one check every upload goes through: size, name, and bytes read by ``filetype``."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from communities import uploads

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
HTML = b"<!doctype html><html><script>alert(1)</script></html>"


def picture(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(check, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check(*args, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("协议.pdf", PDF, uploads.PDF),
        ("scan.JPG", picture("JPEG"), uploads.JPEG),
        ("scan.jpeg", picture("JPEG"), uploads.JPEG),
        ("scan.png", picture("PNG"), uploads.PNG),
    ],
)
def test_real_pdf_jpeg_and_png_documents_pass_and_say_their_kind(name, content, kind):
    file = upload(name, content)
    assert uploads.check_document(file, max_bytes=1024 * 1024) == kind
    assert file.tell() == 0  # left ready to be saved


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # A program or a web page under its own name.
        ("setup.exe", EXE, uploads.FILE_WRONG_KIND),
        ("page.html", HTML, uploads.FILE_WRONG_KIND),
        # Real PDF bytes under a name that would be served as something else.
        ("setup.exe", PDF, uploads.FILE_WRONG_KIND),
        # Renamed to look harmless: the bytes give them away.
        ("协议.pdf", EXE, uploads.FILE_NOT_REAL),
        ("scan.png", HTML, uploads.FILE_NOT_REAL),
        ("scan.jpg", picture("PNG"), uploads.FILE_NOT_REAL),
        ("noname", PDF, uploads.FILE_WRONG_KIND),
    ],
)
def test_renamed_or_foreign_documents_are_refused(name, content, message):
    error = refusal(uploads.check_document, upload(name, content), max_bytes=1024 * 1024)
    assert error.messages == [str(message)]


def test_a_document_over_the_limit_is_refused_before_its_bytes_are_read():
    big = upload("协议.pdf", PDF + b"\0" * 100)
    error = refusal(uploads.check_document, big, max_bytes=len(PDF))
    assert error.messages == [str(uploads.FILE_TOO_LARGE)]


def test_a_refusal_lands_on_the_named_field_in_chinese():
    with translation.override("zh-hans"):
        error = refusal(uploads.check_document, upload("x.exe", EXE), max_bytes=1024, field="file")
        assert error.message_dict == {"file": ["请上传 PDF、JPG 或 PNG 文件。"]}
        error = refusal(uploads.check_photo, upload("x.png", b"\x89PNG\r\n\x1a\n broken"))
        assert error.messages == ["文件内容不是有效的 JPG 或 PNG 照片。"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("合影.pdf", PDF, uploads.PHOTO_WRONG_KIND),
        ("合影.gif", picture("GIF"), uploads.PHOTO_WRONG_KIND),
        ("合影.png", picture("GIF"), uploads.PHOTO_NOT_REAL),
        ("合影.jpg", EXE, uploads.PHOTO_NOT_REAL),
        # The right first bytes, but not a picture that opens.
        ("合影.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, uploads.PHOTO_NOT_REAL),
    ],
)
def test_photos_must_be_real_jpg_or_png_pictures(name, content, message):
    error = refusal(uploads.check_photo, upload(name, content))
    assert error.messages == [str(message)]


def test_photos_pass_and_the_limit_is_the_photo_setting(settings):
    assert uploads.check_photo(upload("合影.jpg", picture("JPEG"))) == uploads.JPEG
    assert uploads.check_photo(upload("合影.png", picture("PNG"))) == uploads.PNG
    settings.PHOTO_MAX_BYTES = 10
    error = refusal(uploads.check_photo, upload("合影.png", picture("PNG")), field="image")
    assert error.message_dict == {"image": [str(uploads.PHOTO_TOO_LARGE)]}


def test_a_caller_keeps_its_own_wording():
    error = refusal(
        uploads.check_photo, upload("x.png", b"text"), not_real=uploads.PHOTO_WRONG_KIND
    )
    assert error.messages == [str(uploads.PHOTO_WRONG_KIND)]


def test_kind_by_name_is_what_a_stored_file_is_served_as():
    assert uploads.kind_by_name("回执.PDF") == "application/pdf"
    assert uploads.kind_by_name("a.jpeg") == "image/jpeg"
    assert uploads.kind_by_name("page.html") is None
