"""Who may import the consultancy report: plain predicates on the roles of `accounts`."""

from accounts.permissions import is_planning


def can_import(user) -> bool:
    """Planning staff import the consultancy report into a portfolio."""
    return is_planning(user)
