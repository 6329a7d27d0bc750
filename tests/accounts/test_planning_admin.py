"""The admin site (관리) is branded in Korean and planning staff can use it for what it is for:
the reference data the app has no page for, and reading the records."""

import pytest

from accounts.models import Role
from tests.factories import DepartmentFactory, HeadFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def planning_staff(db):
    return UserFactory(role=Role.PLANNING, is_staff=True)


def test_the_admin_is_branded_and_not_empty_for_planning_staff(client, planning_staff):
    """The 관리 link opens a Korean admin listing departments, not '볼 수 있는 권한이 없습니다'."""
    client.force_login(planning_staff)
    page = client.get("/admin/").content.decode()
    assert "광양시 신성장 사업 포트폴리오 관리" in page
    assert "Django 관리" not in page
    assert "/admin/projects/department/" in page
    assert "/admin/accounts/accesslog/" in page


def test_planning_staff_keep_a_departments_reminder_address(client, planning_staff):
    """A department's e-mail (where reminders go) is changed in the admin."""
    department = DepartmentFactory()
    client.force_login(planning_staff)
    url = f"/admin/projects/department/{department.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.get("/admin/projects/department/").status_code == 200


def test_the_admin_does_not_go_around_the_apps_pages(client, planning_staff):
    """Proposals, meetings and accounts are changed through the app's pages, not the admin."""
    client.force_login(planning_staff)
    for path in (
        "/admin/projects/proposal/",
        "/admin/reviews/reviewmeeting/",
        "/admin/accounts/user/",
    ):
        assert client.get(path).status_code == 403, path


def test_other_roles_get_nothing_from_the_role(client):
    """A staff flag on a head's account does not bring the planning permissions."""
    head = HeadFactory(is_staff=True)
    assert not head.has_perm("projects.change_department")
    planner = UserFactory(role=Role.PLANNING, is_staff=True)
    assert planner.has_perm("projects.change_department")
    assert not planner.has_perm("projects.change_proposal")
