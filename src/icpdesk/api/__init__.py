"""The JSON API at /api/v1/, built with django-ninja."""
