"""The ledger's plain-text endpoints, in the exact C2SP formats that existing tools read."""

from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from ledger import selectors


@require_GET
def checkpoint(request: HttpRequest) -> HttpResponse:
    """The latest checkpoint: C2SP signed note, log signature then witness cosignatures."""
    latest = selectors.checkpoint_latest()
    if latest is None:
        return HttpResponse(
            "No checkpoint has been published yet.\n", status=404, content_type="text/plain"
        )
    response = HttpResponse(
        selectors.checkpoint_cosigned_note(latest), content_type="text/plain; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def keys(request: HttpRequest) -> HttpResponse:
    """Verifier keys (C2SP vkey), one per line: log keys, old ones included, then witnesses."""
    body = "".join(f"{vkey}\n" for vkey in selectors.key_list())
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


@require_GET
def verifier_policy(request: HttpRequest) -> HttpResponse:
    """The browser verifier's pinned policy, an ES module (docs/browser-verifier.md).

    A deployment serves the file it generated and reviewed at release
    (``LEDGER_VERIFIER_POLICY_FILE``, made by ``manage.py ledger_verifier_policy``); without
    one (the demo) the policy is made from the registered keys.
    """
    if settings.LEDGER_VERIFIER_POLICY_FILE:
        body = Path(settings.LEDGER_VERIFIER_POLICY_FILE).read_text(encoding="utf-8")
    else:
        try:
            body = selectors.verifier_policy().to_module()
        except ValueError:
            return HttpResponse(
                "// No verifier policy: the ledger has no log or VRF key yet.\n",
                status=404,
                content_type="text/javascript; charset=utf-8",
            )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
