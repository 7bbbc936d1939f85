"""Demo data for `make demo`: organisations, people and cases in every state."""
