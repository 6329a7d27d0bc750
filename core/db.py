"""Database-dialect helpers: PostgreSQL in production and tests, SQLite in the embedded mode."""

from django.db import connection


def is_postgresql(using=None) -> bool:
    """Return True when the connection (default: the default one) talks to PostgreSQL."""
    conn = connection if using is None else using
    return conn.vendor == "postgresql"
