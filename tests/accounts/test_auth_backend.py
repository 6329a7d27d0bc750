"""The authentication backend: ModelBackend's rules, with the per-request lookup precompiled."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.urls import reverse

from accounts.backends import UserBackend
from tests.factories import HeadFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fields(user):
    return {f.attname: getattr(user, f.attname) for f in type(user)._meta.concrete_fields}


def test_the_user_is_the_one_modelbackend_would_load(django_assert_num_queries):
    head = HeadFactory(position="과장")
    with django_assert_num_queries(1):
        loaded = UserBackend().get_user(str(head.pk))  # the session keeps the key as text
    assert _fields(loaded) == _fields(ModelBackend().get_user(head.pk))
    assert loaded._state.adding is False and loaded._state.db == "default"
    with django_assert_num_queries(1):
        assert loaded.department.name == head.department.name


@pytest.mark.parametrize("user_id", ["not-a-number", "", "999999"])
def test_an_unknown_or_malformed_key_is_nobody(user_id):
    assert UserBackend().get_user(user_id) is None


def test_a_deactivated_user_is_signed_out_on_the_next_request(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("projects:proposal_list")).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(reverse("projects:proposal_list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_password_change_signs_out_other_sessions(client):
    user = UserFactory()
    client.force_login(user)
    user.set_password("새-비밀번호-2023-광양")
    user.save()
    response = client.get(reverse("projects:proposal_list"))
    assert response.status_code == 302


def test_sessions_signed_in_through_django_s_model_backend_stay_valid(client):
    """Sessions made before this backend existed name ModelBackend; they must not be dropped."""
    client.force_login(UserFactory())
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert client.get(reverse("projects:proposal_list")).status_code == 200


def test_a_wrong_password_is_checked_once(client, monkeypatch):
    """ModelBackend stays listed for older sessions; it must not hash a wrong password again."""
    user = UserFactory()
    calls = []
    original = ModelBackend.authenticate

    def counting(self, *args, **kwargs):
        calls.append(type(self).__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "틀린-비밀번호-1234"}
    )
    assert response.status_code == 200  # the form again, with its error
    assert calls == ["UserBackend"]
    assert "_auth_user_id" not in client.session
