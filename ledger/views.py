"""The ledger's plain-text endpoints, in the exact C2SP formats that existing tools read."""

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
