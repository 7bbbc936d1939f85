"""WSGI entry point: `gunicorn icpdesk.wsgi` or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpdesk.settings")
application = get_wsgi_application()
