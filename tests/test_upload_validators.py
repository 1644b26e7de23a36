"""Files uploaded through Django admin (any ModelForm) get the same checks as the portal's
own forms: communities.uploads.UploadValidator on every file field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casework.models import CaseAttachment
from communities.uploads import UploadValidator
from deliberation.models import ProjectPhoto, ProposalPhoto, SessionPhoto
from governance.models import ActivityPhoto, Agreement
from tests.factories import UserFactory
from tests.governance.council_factories import AgreementFactory, MemberUnitFactory
from volunteers.models import CareVisit

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64

FILE_FIELDS = [
    (Agreement, "file", "document"),
    (ActivityPhoto, "image", "photo"),
    (CaseAttachment, "file", "document"),
    (ProposalPhoto, "image", "photo"),
    (SessionPhoto, "image", "photo"),
    (ProjectPhoto, "image", "photo"),
    (CareVisit, "photo", "photo"),
]


@pytest.mark.parametrize(("model", "name", "kind"), FILE_FIELDS)
def test_every_file_field_checks_its_uploads(model, name, kind):
    validators = model._meta.get_field(name).validators
    assert [v.kind for v in validators if isinstance(v, UploadValidator)] == [kind]


def test_a_renamed_program_is_refused_and_a_real_pdf_passes():
    check = UploadValidator("document", "AGREEMENT_MAX_BYTES")
    agreement = Agreement(file=SimpleUploadedFile("agreement.pdf", EXE))
    with pytest.raises(ValidationError):
        check(agreement.file)
    check(Agreement(file=SimpleUploadedFile("agreement.pdf", PDF)).file)
    with pytest.raises(ValidationError):
        UploadValidator("photo")(ActivityPhoto(image=SimpleUploadedFile("p.png", PDF)).image)


@pytest.mark.django_db
def test_a_stored_file_is_not_read_again_when_its_record_is_edited(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    agreement = AgreementFactory(file=SimpleUploadedFile("agreement.pdf", PDF))
    # The stored file is gone from disk (moved storage): editing the notes still validates.
    (tmp_path / agreement.file.name).unlink()
    agreement.refresh_from_db()
    agreement.notes = "续签"
    agreement.full_clean()


@pytest.mark.django_db
def test_django_admin_refuses_a_renamed_program_as_an_agreement(client, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    member = MemberUnitFactory()
    form = {
        "member": member.pk,
        "signed_on": "2026-01-05",
        "valid_until": "2028-01-04",
        "status": "active",
        "notes": "",
        "file": SimpleUploadedFile("agreement.pdf", EXE),
    }
    response = client.post(reverse("admin:governance_agreement_add"), form)
    assert response.status_code == 200
    assert "文件内容不是有效的 PDF、JPG 或 PNG。" in response.content.decode()
    assert not Agreement.objects.exists()
    form["file"] = SimpleUploadedFile("agreement.pdf", PDF)
    response = client.post(reverse("admin:governance_agreement_add"), form)
    assert response.status_code == 302
    assert Agreement.objects.count() == 1
