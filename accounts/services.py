"""Writes for accounts: creating accounts, assigning roles, and the access log."""

import logging
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AccessEvent, AccessLog, Role, User

# The access log is kept at least a year; nothing deletes a row younger than this.
ACCESS_LOG_RETENTION_DAYS = 365

logger = logging.getLogger("gwangyang.access")


def _client_ip(request) -> str | None:
    """Return the client's address; behind the proxy, the one the proxy appended last."""
    if request is None:
        return None
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or None


def access_log_record(
    *, event: AccessEvent, request=None, user: User | None = None, username: str = ""
) -> AccessLog:
    """Record an access event with time, user and address, and log it."""
    if user is not None and getattr(user, "is_authenticated", False):
        username = user.get_username()
    else:
        user = None
    entry = AccessLog.objects.create(
        event=event,
        user=user,
        username=username[:150],
        ip_address=_client_ip(request),
        path=(request.path[:500] if request is not None else ""),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
    )
    logger.info(
        "access event=%s user=%s ip=%s path=%s", event, username, entry.ip_address, entry.path
    )
    return entry


def _role_errors(role: str, department) -> dict:
    if role == Role.DEPARTMENT_HEAD and department is None:
        return {"department": [_("부서장은 소속 부서가 있어야 합니다.")]}
    return {}


def _ensure_head_of(user: User) -> None:
    """Make a department head the head of record of a department that has none."""
    department = user.department
    if user.role == Role.DEPARTMENT_HEAD and department is not None and department.head_id is None:
        department.head = user
        department._history_user = user
        department.save(update_fields=["head"])


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    department=None,
    first_name: str = "",
    email: str = "",
    position: str = "",
    created_by: User | None = None,
    is_staff: bool = False,
    is_demo: bool = False,
    password_hash: str | None = None,
) -> User:
    """Create an account with a validated password (≥ 10 characters, Django's validators).

    `is_demo` marks the demo's invented accounts; `is_staff` opens the admin site.
    `password_hash` is `make_password(password)` made once by a caller that creates many
    accounts with one password (the demo): hashing costs a million PBKDF2 rounds each.
    """
    user = User(
        username=username.strip(),
        first_name=first_name.strip(),
        email=email.strip(),
        role=role,
        department=department,
        position=position.strip(),
        is_staff=is_staff,
        is_demo=is_demo,
    )
    errors = _role_errors(role, department)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        validate_password(password, user)
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    if password_hash is None:
        user.set_password(password)
    else:
        user.password = password_hash
    # A password chosen by planning staff is theirs too: the owner replaces it at sign-in.
    user.must_change_password = created_by is not None
    user.save()
    _ensure_head_of(user)
    logger.info(
        "account created user=%s role=%s by=%s",
        user.username,
        role,
        getattr(created_by, "pk", None),
    )
    return user


@transaction.atomic
def user_assign(
    *, user: User, role: str, department=None, is_active: bool = True, by: User | None = None
) -> User:
    """Change an account's role, department and whether it may sign in."""
    if errors := _role_errors(role, department):
        raise ValidationError(errors)
    user.role = role
    user.department = department
    user.is_active = is_active
    user.full_clean(exclude=["password"])
    user.save(update_fields=["role", "department", "is_active"])
    _ensure_head_of(user)
    logger.info(
        "account assigned user=%s role=%s dept=%s active=%s by=%s",
        user.username,
        role,
        getattr(department, "pk", None),
        is_active,
        getattr(by, "pk", None),
    )
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str, by: User, request=None) -> User:
    """Give an account a new password chosen by planning staff (e.g. a forgotten one).

    The password validators apply. The account's other sessions end (their session hash no
    longer matches) and its failed-login lock-out is cleared, so the new password works at once.
    """
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = user.pk != by.pk
    user.save(update_fields=["password", "must_change_password"])
    axes_reset(username=user.get_username())
    access_log_record(event=AccessEvent.PASSWORD_SET, request=request, user=by)
    logger.info("account password set user=%s by=%s", user.username, by.pk)
    _password_replaced(user)
    return user


@transaction.atomic
def user_password_changed(*, user: User, request=None) -> User:
    """Record that `user` chose their own password (the form has validated and set it)."""
    user.must_change_password = False
    user.save(update_fields=["must_change_password"])
    access_log_record(event=AccessEvent.PASSWORD_CHANGED, request=request, user=user)
    _password_replaced(user)
    return user


def _password_replaced(user: User) -> None:
    from .signals import password_replaced

    password_replaced.send(sender=User, user=user)


@transaction.atomic
def user_unlock(*, user: User, by: User, request=None) -> int:
    """Clear an account's failed sign-in attempts (django-axes); return how many were cleared."""
    cleared = axes_reset(username=user.get_username())
    access_log_record(event=AccessEvent.UNLOCKED, request=request, user=by)
    logger.info("account unlocked user=%s by=%s cleared=%s", user.username, by.pk, cleared)
    return cleared


def access_log_prune(*, days: int) -> int:
    """Delete access-log rows older than `days` days; refuse anything under the legal year."""
    if days < ACCESS_LOG_RETENTION_DAYS:
        raise ValueError(
            f"The access log is kept at least {ACCESS_LOG_RETENTION_DAYS} days; got {days}."
        )
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _detail = AccessLog.objects.filter(at__lt=cutoff).delete()
    logger.info("access log pruned rows=%s older_than_days=%s", deleted, days)
    return deleted


@transaction.atomic
def user_remember_portfolio(*, user: User, portfolio) -> User:
    """Remember the portfolio `user` chose in the header (a projects.Portfolio, or None).

    One UPDATE of that column only: the user's other fields are not rewritten."""
    user.current_portfolio = portfolio
    others = [f.name for f in User._meta.concrete_fields if f.name != "current_portfolio"]
    user.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
    User.objects.filter(pk=user.pk).update(current_portfolio=portfolio)
    return user
