"""The change log: one append-only record per write, with who, when, the request and what changed."""
