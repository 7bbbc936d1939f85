"""Reminders and notifications: the daily sweep of duties coming due, sent once per threshold."""
