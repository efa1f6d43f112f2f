"""``manage.py issue_activation_code USERNAME``: the operator issues an authenticator code.

For new staff accounts, department administrators who lost their phone, and superusers of
the admin site. The code is printed once; only its hash is stored.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.accounts.models import User
from portal.accounts.two_factor import two_factor_activation_issue


class Command(BaseCommand):
    help = "Issue a one-time code that lets a staff or admin account enrol an authenticator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No account is named {options['username']!r}.")
        try:
            code = two_factor_activation_issue(user=user, issued_by=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(code)
        self.stderr.write(
            "Give this code to the person out of band; it works once. "
            "Their previous authenticator, if any, was removed."
        )
