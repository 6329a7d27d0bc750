"""Write the access log from Django's and django-axes' auth signals."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver

from .middleware import IDLE_TOUCH, SIGNED_IN_AT
from .models import AccessEvent
from .services import access_log_record

# Sent with `user` when an account's password is replaced, by its owner or by planning staff;
# secrets tied to the old password (the calendar feed token, in reviews) are renewed.
password_replaced = Signal()


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    access_log_record(event=AccessEvent.LOGIN, request=request, user=user)
    if request is not None and hasattr(request, "session"):
        # The login itself saves the session: the idle timer and the absolute lifetime start now.
        now = int(time.time())
        request.session[IDLE_TOUCH] = now
        request.session[SIGNED_IN_AT] = now


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    access_log_record(event=AccessEvent.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    access_log_record(
        event=AccessEvent.LOGIN_FAILED, request=request, username=credentials.get("username", "")
    )


@receiver(user_locked_out)
def _on_locked_out(sender, request, username, ip_address, **kwargs):
    access_log_record(event=AccessEvent.LOCKED_OUT, request=request, username=username or "")
