"""Overviews: the agency's book and the province's caseload at a glance, with charts."""
