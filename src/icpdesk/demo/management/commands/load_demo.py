from typing import Any

from django.core.management.base import BaseCommand

from icpdesk.demo.loader import DEMO_PASSWORD, demo_two_factor_logins, load_demo


class Command(BaseCommand):
    help = "Load the demo organisations, people and cases (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_demo()
        summary = ", ".join(f"{kind}: {count}" for kind, count in created.items())
        self.stdout.write(f"demo data loaded (created {summary})")
        logins = demo_two_factor_logins()
        if logins:
            self.stdout.write(
                f"Every demo login has the password {DEMO_PASSWORD}. These also ask for a code from an"
                " authenticator app (TOTP, 6 digits, 30 s): add the secret to the app, or use the code"
                " shown, which is valid now only:"
            )
            for username, secret, code in logins:
                self.stdout.write(f"  {username:<10} secret {secret}   (code now: {code})")
