"""Starting Django outside a web server: the command line and its subcommands.

Here, below every app, so that any subcommand (and an app's own command-line
part, such as the bulk imports) can start Django without importing the
``icpdesk`` command itself, which imports them.
"""

from __future__ import annotations

import os


def setup_django() -> None:
    """Configure Django for subcommands that need the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpdesk.settings")
    import django

    django.setup()
