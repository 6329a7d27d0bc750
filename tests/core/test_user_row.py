"""Values read with the signed-in user's row (core.user_row): the pages' data version and the
unread count come with the user in one query, agree with their own reads, follow every write,
and are read by those reads themselves when the user was loaded another way."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.backends import ModelBackend
from django.test import RequestFactory

from accounts.backends import UserBackend
from core import user_row
from dashboard import version
from dashboard.cache import VERSION, portfolio_version
from reviews.models import Notification
from reviews.selectors import UNREAD, unread_notification_count

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_user_comes_with_the_version_and_unread_count_in_one_query(
    head, proposal, django_assert_num_queries
):
    Notification.objects.create(user=head, title="기한 알림")
    expected = version.read()[0]
    with django_assert_num_queries(1):
        user = UserBackend().get_user(head.pk)
    assert user == head
    assert user_row.value(user, VERSION) == expected
    assert user_row.value(user, UNREAD) == 1
    request = _request(user)
    with django_assert_num_queries(0):
        assert portfolio_version(request) == expected
        assert unread_notification_count(request) == 1


def test_the_values_follow_every_write(head, proposal):
    before = user_row.value(UserBackend().get_user(head.pk), VERSION)
    proposal.__class__.objects.filter(pk=proposal.pk).update(notes="바뀜")
    Notification.objects.create(user=head, title="기한 알림")
    after = UserBackend().get_user(head.pk)
    assert user_row.value(after, VERSION) not in (before, user_row.MISSING)
    assert user_row.value(after, VERSION) == version.read()[0]
    assert user_row.value(after, UNREAD) == 1


def test_a_user_loaded_another_way_reads_them_itself(head, django_assert_num_queries):
    Notification.objects.create(user=head, title="기한 알림")
    user = ModelBackend().get_user(head.pk)
    assert user_row.value(user, VERSION) is user_row.MISSING
    expected = version.read()[0]
    request = _request(user)
    with django_assert_num_queries(1):  # the version and the unread count, in one query
        assert portfolio_version(request) == expected
        assert unread_notification_count(request) == 1


def test_an_unknown_or_inactive_user_is_none(head):
    assert UserBackend().get_user(head.pk + 1000) is None
    head.is_active = False
    head.save(update_fields=["is_active"])
    assert UserBackend().get_user(head.pk) is None


def test_value_of_an_object_without_a_row_is_missing():
    assert user_row.value(SimpleNamespace(), VERSION) is user_row.MISSING
