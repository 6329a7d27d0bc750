"""Evidence attachments: type by content, size limit, SHA-256, immutable, checked downloads."""

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import Role
from projects.models import StatusUpdate
from rounds.evidence_types import detect
from rounds.models import Evidence, EvidenceDownload, RoundSubmission
from rounds.services.evidence import evidence_attach_to_action
from tests.factories import ActionFactory, HeadFactory, UserFactory

from .helpers import fresh, make_round_world

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def _zip(names: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


HWP = (
    bytes.fromhex("D0CF11E0A1B11AE1")
    + b"\x00" * 500
    + "FileHeader".encode("utf-16-le")
    + b"\x00" * 100
    + b"HWP Document File\x00"
)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, "pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "png"),
        (HWP, "hwp"),
        (_zip({"mimetype": "application/hwp+zip", "Contents/content.hpf": "x"}), "hwpx"),
        (_xlsx(), "xlsx"),
        (_zip({"[Content_Types].xml": "x", "word/document.xml": "x"}), "docx"),
        (EXE, None),
        (_zip({"readme.txt": "x"}), None),
        (bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 600, None),  # OLE2 but not HWP (.doc)
    ],
)
def test_the_type_is_decided_by_content(data, kind):
    assert detect(io.BytesIO(data)) == kind


def _post(client, w, proposal, upload):
    proposal = fresh(proposal)
    return client.post(
        reverse("rounds:submit", args=[w.round.pk, proposal.pk]),
        {
            "version": proposal.version,
            "status": "on_track",
            "progress": 60,
            "confidence": 4,
            "what_changed": "공정 60%",
            "issues": "",
            "next_step": "",
            "reason": "",
            "evidence": upload,
        },
    )


def test_a_head_attaches_a_pdf_and_planning_downloads_it_logged(client, _media):
    # given a head submitting with a PDF
    w = make_round_world(departments=2, proposals=2)
    p = w.proposals[0]
    client.force_login(w.head_of(p))
    response = _post(client, w, p, SimpleUploadedFile("공정 보고.pdf", PDF))
    assert response.status_code == 302
    # then the file is stored with its SHA-256, on the submission and its status update
    evidence = Evidence.objects.get()
    submission = RoundSubmission.objects.get()
    assert evidence.submission == submission and evidence.status_update == submission.status_update
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest() and evidence.size == len(PDF)
    assert evidence.file_type == "pdf" and evidence.original_name == "공정 보고.pdf"
    assert evidence.file.name.startswith("evidence/") and "공정" not in evidence.file.name
    # and planning downloads it, which is logged
    client.force_login(w.planner)
    download = client.get(evidence.get_absolute_url())
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert EvidenceDownload.objects.filter(evidence=evidence, user=w.planner).count() == 1
    # and a viewer or the head of another department gets 403, not logged
    for user in (UserFactory(role=Role.VIEWER), w.heads[1]):
        client.force_login(user)
        assert client.get(evidence.get_absolute_url()).status_code == 403
    assert EvidenceDownload.objects.count() == 1
    # and the evidence is immutable
    with pytest.raises(ValidationError):
        evidence.save()
    with pytest.raises(ValidationError):
        evidence.delete()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: SimpleUploadedFile("setup.pdf", EXE), "올릴 수 없는 파일 형식입니다"),
        (lambda: SimpleUploadedFile("표.docx", _xlsx()), "확장자와 다릅니다"),
        (lambda: SimpleUploadedFile("큰 파일.pdf", PDF + b"0" * 10000), "파일이 너무 큽니다"),
    ],
    ids=["exe-renamed-pdf", "xlsx-renamed-docx", "oversized"],
)
def test_a_bad_file_is_refused_in_korean_and_nothing_is_written(
    client, settings, _media, upload, message
):
    settings.EVIDENCE_MAX_BYTES = 8000
    w = make_round_world(departments=1, proposals=1)
    p = w.proposals[0]
    client.force_login(w.head_of(p))
    response = _post(client, w, p, upload())
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RoundSubmission.objects.exists()
    assert not StatusUpdate.objects.exists() and not Evidence.objects.exists()
    assert not _media.exists() or not any(_media.rglob("*.*"))
    assert fresh(p).progress == 40


def test_evidence_goes_on_completed_actions_only(_media):
    action = ActionFactory()
    head = HeadFactory(department=action.owner_department)
    with pytest.raises(ValidationError) as error:
        evidence_attach_to_action(
            action=action, uploads=[SimpleUploadedFile("a.pdf", PDF)], user=head
        )
    assert "완료된 후속조치에만" in error.value.messages[0]
    assert not Evidence.objects.exists()
