"""Sign-in throttled by client address and user name together (django-axes).

Counting failures per account alone let anyone lock any account with five
wrong passwords, and a lockout message of its own told which names exist. Here
axes counts failures per (user name, client address) pair, so a stranger's
failures from their address do not lock the user out of theirs. A throttled
attempt is answered exactly like a wrong password (see :func:`lockout_response`),
and it runs the password hasher once, as a wrong password for a known or an
unknown name does, so neither the answer nor its time tells the names apart.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from icpdesk.accounts.forms import DeskAuthenticationForm
from icpdesk.accounts.models import User
from icpdesk.lib.clients import client_address


def dummy_password_hash(password: str) -> None:
    """Hash a password nobody checks: the same work as checking a real one.

    This is what Django's ModelBackend does for an unknown user name; the
    throttled path does it too, so a throttled answer is not faster.
    """
    User().set_password(password)


class ThrottledBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """Refuses a (name, address) pair over the failure limit; the next backend checks the password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            # Not a sign-in from a client (a script, the shell): no address to count.
            # Every sign-in page of the desk passes its request.
            return None
        try:
            super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            dummy_password_hash(password or "")
            raise


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for axes: through the trusted proxies only, ``None`` when unknown."""
    address = client_address(request)
    return None if address == "unknown" else address


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The answer to a throttled sign-in: the sign-in form with its wrong-password message.

    The view has already answered the refused attempt as a failed sign-in (the
    throttled backend makes ``authenticate`` return nothing), so that answer is
    kept as it is: same status, same form, same message as a wrong password.
    """
    if original_response is not None:
        return original_response
    form = DeskAuthenticationForm(request)
    form.add_error(None, form.get_invalid_login_error())
    return render(request, "registration/login.html", {"form": form})
