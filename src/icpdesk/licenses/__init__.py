"""Licenses issued at the end of a case, and their numbers."""
