"""Paperwork: the documents the desk drafts from the profile and the case, in Word and PDF."""
