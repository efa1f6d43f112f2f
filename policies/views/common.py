"""What the policy pages share: the page size and how a service's errors reach a form."""

from typing import Any

from django.core.exceptions import ValidationError

PAGE_SIZE = 20


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
