"""Plumbing that knows no domain: form helpers, the permission guard, version conflicts, history.

The bottom of the house: `core` imports no app of this project, and every app may import it.
"""
