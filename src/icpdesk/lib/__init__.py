"""Shared Django-side helpers above the core and below every app: errors the
actions raise, the rule pack in force, the language of the request, and the
outbound-address guard. Nothing here imports an app."""
