"""Enterprises: the profile the eligibility rules read, security staff, history, assessments."""
