"""Organisations, people, roles, agency mandates, sign-in lockout and API tokens."""
