"""Watching the licensed websites: scans, their findings and the weekly sweep."""
