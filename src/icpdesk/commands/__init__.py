"""Subcommands of the ``icpdesk`` command line, one module each."""
