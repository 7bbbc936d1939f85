"""Benchmarks of icpdesk, run by ``make bench`` (not part of the test run)."""
