"""Attachments: size and type limits, content sniffing, and downloads only for those allowed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from engage.enquiries import services
from engage.enquiries.attachments import check_upload
from engage.enquiries.models import EnquiryAttachment
from tests.enquiries.files import EXE, JPG, PDF, PNG, office, plain_zip, upload


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("minutes.pdf", PDF),
        ("photo.png", PNG),
        ("photo.jpg", JPG),
        ("photo.JPEG", JPG),
        ("letter.docx", office("word")),
        ("rates.xlsx", office("xl")),
        ("rates.csv", "home,rate\nOakfield,£812.50\n".encode()),
        ("notes.txt", b"Plain text notes.\n"),
    ],
)
def test_files_of_the_allowed_types_pass(name: str, content: bytes) -> None:
    checked = check_upload(upload(name, content))
    assert checked.name == name
    assert checked.size == len(content)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", EXE, "must be one of these types"),
        ("invoice", PDF, "must be one of these types"),
        ("invoice.pdf", EXE, "is not really a .pdf file"),
        ("photo.png", JPG, "is not really a .png file"),
        ("letter.docx", plain_zip(), "is not really a .docx file"),
        ("letter.docx", office("xl"), "is not really a .docx file"),
        ("rates.xlsx", office("word"), "is not really a .xlsx file"),
        ("notes.txt", PNG, "is not a text file"),
        ("notes.csv", b"a,b\x00,c", "is not a text file"),
        ("notes.txt", "caf\u00e9".encode("latin-1") + b" menu", "is not a text file"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(
    name: str, content: bytes, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        check_upload(upload(name, content))


def test_files_over_the_size_limit_are_refused(settings: Any) -> None:
    settings.ENQUIRY_ATTACHMENT_MAX_BYTES = 2048
    check_upload(upload("small.txt", b"x" * 2048))
    with pytest.raises(ValidationError, match=r"must be smaller than 2\.0"):
        check_upload(upload("big.txt", b"x" * 2049))


def test_the_types_allowed_are_a_setting(settings: Any) -> None:
    settings.ENQUIRY_ATTACHMENT_TYPES = ["pdf"]
    with pytest.raises(ValidationError, match="must be one of these types: pdf"):
        check_upload(upload("photo.png", PNG))


@pytest.mark.django_db
def test_too_many_files_at_once_are_refused(settings: Any) -> None:
    from engage.enquiries.forms import MessageForm

    settings.ENQUIRY_ATTACHMENTS_PER_MESSAGE = 2
    files = [upload(f"n{i}.txt", b"x") for i in range(3)]
    form = MessageForm({"body": "hello"}, {"attachments": files})
    assert not form.is_valid()
    assert "Attach at most 2 files" in str(form.errors)


@pytest.mark.django_db
def test_a_provider_uploads_and_downloads_a_file_as_an_attachment(
    client_for: Any, provider_a_user: Any, enquiry_a: Any
) -> None:
    client = client_for(provider_a_user)
    response = client.post(
        reverse("portal:enquiry_reply", args=[enquiry_a.pk]),
        {"body": "The remittance is attached.", "attachments": [upload("remit.pdf", PDF)]},
    )
    assert response.status_code == 302
    stored = EnquiryAttachment.objects.get()
    assert stored.original_name == "remit.pdf"
    assert stored.file.name.startswith(f"enquiries/{enquiry_a.reference}/")
    assert stored.content_type == "application/pdf"
    download = client.get(reverse("portal:attachment", args=[stored.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="remit.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.django_db
def test_an_impostor_file_is_refused_on_the_page_and_nothing_is_saved(
    client_for: Any, provider_a_user: Any, enquiry_a: Any
) -> None:
    response = client_for(provider_a_user).post(
        reverse("portal:enquiry_reply", args=[enquiry_a.pk]),
        {"body": "See attached.", "attachments": [upload("invoice.pdf", EXE)]},
    )
    assert response.status_code == 422
    assert "is not really a .pdf file" in response.content.decode()
    assert enquiry_a.messages.count() == 1
    assert not EnquiryAttachment.objects.exists()


@pytest.mark.django_db
def test_a_file_on_an_internal_note_is_for_officers_only(
    client_for: Any, provider_a_user: Any, officer: Any, enquiry_a: Any
) -> None:
    from engage.enquiries.attachments import check_upload as check

    services.add_note(
        actor=officer,
        enquiry=enquiry_a,
        body="Finance screenshot",
        files=[check(upload("s.png", PNG))],
    )
    attachment = EnquiryAttachment.objects.get()
    assert (
        client_for(officer).get(reverse("enquiries:attachment", args=[attachment.pk])).status_code
        == 200
    )
    provider = client_for(provider_a_user)
    assert provider.get(reverse("portal:attachment", args=[attachment.pk])).status_code == 404
    page = provider.get(reverse("portal:enquiry_detail", args=[enquiry_a.pk])).content.decode()
    assert "s.png" not in page
    assert "Finance screenshot" not in page
