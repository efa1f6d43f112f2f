"""The ledger's plain-text and binary endpoints, in the C2SP formats that existing tools read."""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request

from ledger import selectors
from ledger.api.views import PublicLedgerApi
from ledger.core.tiles import (
    REASON_COMPLETE,
    REASON_PARTIAL,
    EntryBundle,
    TileError,
    TileUnavailable,
    parse_tile_path,
)
from ledger.logs import ACCESS_LOG, INDEX_LOG, LogTables
from ledger.tiles import tile_data, tile_tree_size

#: c2sp.org/tlog-tiles "Merkle Tree", "Log entries": full tiles and bundles never change.
CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
#: A partial tile is served only until its full tile exists: cache it briefly.
CACHE_PARTIAL = "public, max-age=10"


@require_GET
def checkpoint(request: HttpRequest, log: LogTables = ACCESS_LOG) -> HttpResponse:
    """The latest checkpoint: C2SP signed note, log signature then witness cosignatures.

    ``/ledger/checkpoint`` for the access log, ``/ledger/index/checkpoint`` for the index log.
    """
    latest = selectors.checkpoint_latest(log=log)
    if latest is None:
        return HttpResponse(
            "No checkpoint has been published yet.\n", status=404, content_type="text/plain"
        )
    response = HttpResponse(
        selectors.checkpoint_cosigned_note(latest), content_type="text/plain; charset=utf-8"
    )
    # c2sp.org/tlog-tiles "Checkpoints": mutable, so no caching beyond a few seconds.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def keys(request: HttpRequest) -> HttpResponse:
    """Verifier keys (C2SP vkey), one per line: log keys, old ones included, then witnesses."""
    body = "".join(f"{vkey}\n" for vkey in selectors.key_list())
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


class AnyAcceptNegotiation(BaseContentNegotiation):
    """Tiles are bytes whatever ``Accept`` says; the one renderer is for throttling errors."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


def _not_found(message: str) -> HttpResponse:
    response = HttpResponse(f"{message}\n", status=404, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def _unavailable(exc: TileUnavailable, path: str, size: int) -> HttpResponse:
    current = "" if exc.current is None else exc.current.path
    if exc.reason == REASON_PARTIAL:
        return _not_found(
            _(
                "%(path)s is not complete in the latest checkpoint (%(size)s entries): "
                "fetch %(current)s."
            )
            % {"path": path, "size": size, "current": current}
        )
    if exc.reason == REASON_COMPLETE:
        return _not_found(
            _("%(path)s is no longer served: the full tile %(current)s is available.")
            % {"path": path, "current": current}
        )
    return _not_found(
        _("%(path)s is beyond the tree of the latest checkpoint (%(size)s entries).")
        % {"path": path, "size": size}
    )


class TileApi(PublicLedgerApi):
    """``GET /ledger/tile/<L>/<N>[.p/<W>]`` and ``/ledger/tile/entries/<N>[.p/<W>]``.

    C2SP tlog-tiles hash tiles and entry bundles of the latest checkpoint's tree, as
    ``application/octet-stream``; entry bundles gzip-compressed when the client accepts it
    (section "Log entries": SHOULD).  Public, read-only, throttled like the ledger API.
    """

    schema = None  # bytes, not part of the JSON API's OpenAPI description
    log: LogTables = ACCESS_LOG  # INDEX_LOG under /ledger/index/
    renderer_classes = [JSONRenderer]
    content_negotiation_class = AnyAcceptNegotiation

    def get(self, request: Request, path: str, **kwargs: Any) -> HttpResponseBase:
        try:
            resource = parse_tile_path(path)
        except TileError:
            return _not_found(
                _(
                    "Not a tile of C2SP tlog-tiles: the paths are tile/<L>/<N>[.p/<W>] and "
                    "tile/entries/<N>[.p/<W>]."
                )
            )
        size = tile_tree_size(self.log)
        if size is None:
            return _not_found(_("No checkpoint has been published yet."))
        try:
            data = tile_data(resource=resource, tree_size=size, log=self.log)
        except TileUnavailable as exc:
            return _unavailable(exc, path, size)
        response = HttpResponse(data, content_type="application/octet-stream")
        response["Cache-Control"] = CACHE_PARTIAL if resource.partial else CACHE_IMMUTABLE
        if isinstance(resource, EntryBundle):
            gzip = GZipMiddleware(lambda _request: response)
            return gzip.process_response(request._request, response)
        return response


@require_GET
def index_checkpoint(request: HttpRequest) -> HttpResponse:
    """The index log's latest checkpoint (docs/ledger-formats.md section 9)."""
    return checkpoint(request, log=INDEX_LOG)


class IndexTileApi(TileApi):
    """The index log's C2SP tlog-tiles: ``/ledger/index/tile/...``."""

    log = INDEX_LOG


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
