"""The one inbox (``/my/notifications/``): every notice a person has, newest first.

Notices live with what they are about: an application's in the services part, an objection's
and an unsealed read's in the exchange, a policy's in the policies part. Each part registers
an ``InboxSource`` (in its ``AppConfig.ready``) that counts, lists and marks read its own
notices; this module merges them, so that no part needs to know about the others.

Queries: one counting query per source (shared, per request, by the page and the header's
unread count) and one listing query per source for a page, whatever the number of notices.
"""

import datetime as dt
import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, overload

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from portal.accounts.models import User


@dataclass(frozen=True)
class InboxItem:
    """One notice as the inbox shows it: "<kind> <before> <link> <after>"; ``before`` and
    ``after`` are escaped by the template unless built with ``format_html`` (content such as a
    firm's name marked with ``lang_marked``)."""

    kind: str
    kind_label: str
    created_at: dt.datetime
    unread: bool
    url: str
    link_text: str
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class InboxCounts:
    total: int
    unread: int


class InboxSource(Protocol):
    """A part's notices for the one inbox."""

    kind: str

    def counts(self, *, user: User) -> InboxCounts:
        """How many notices the person has, and how many are unread (one query)."""
        ...

    def latest(self, *, user: User, limit: int) -> list[InboxItem]:
        """The person's ``limit`` newest notices, newest first (one query)."""
        ...

    def mark_read(self, *, user: User) -> int:
        """Mark every notice of the person read; how many were unread."""
        ...


_SOURCES: list[InboxSource] = []


def inbox_source_register(source: InboxSource) -> None:
    """Add a part's notices to the inbox (once per kind; called from ``AppConfig.ready``)."""
    if all(s.kind != source.kind for s in _SOURCES):
        _SOURCES.append(source)


def inbox_sources() -> tuple[InboxSource, ...]:
    return tuple(_SOURCES)


def inbox_counts(*, user: User, request: HttpRequest | None = None) -> dict[str, InboxCounts]:
    """Each source's counts, kept on ``request`` so the page and the header count once."""
    cached: dict[str, InboxCounts] | None = getattr(request, "_inbox_counts", None)
    if cached is not None:
        return cached
    counts = {s.kind: s.counts(user=user) for s in _SOURCES}
    if request is not None:
        request._inbox_counts = counts  # type: ignore[attr-defined]  # per-request memo
    return counts


def inbox_unread_count(*, user: User, request: HttpRequest | None = None) -> int:
    return sum(c.unread for c in inbox_counts(user=user, request=request).values())


@transaction.atomic
def inbox_mark_read(*, user: User) -> int:
    """Mark every notice of every kind read."""
    return sum(s.mark_read(user=user) for s in _SOURCES)


class InboxList(Sequence[InboxItem]):
    """The merged notices, newest first, for ``Paginator``: ``count()`` adds the sources'
    counts; a slice asks each source for its newest ``stop`` notices and merges them."""

    def __init__(self, *, user: User, request: HttpRequest | None = None) -> None:
        self._user = user
        self._request = request

    def count(self, value: object = None) -> int:  # Paginator calls count()
        return sum(c.total for c in inbox_counts(user=self._user, request=self._request).values())

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> InboxItem: ...

    @overload
    def __getitem__(self, index: slice) -> list[InboxItem]: ...

    def __getitem__(self, index: int | slice) -> InboxItem | list[InboxItem]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        if stop is None:
            stop = self.count()
        counts = inbox_counts(user=self._user, request=self._request)
        lists = [
            s.latest(user=self._user, limit=stop)
            for s in _SOURCES
            if counts.get(s.kind, InboxCounts(1, 0)).total
        ]
        merged = heapq.merge(*lists, key=lambda item: item.created_at, reverse=True)
        return list(merged)[start:stop]

    def __iter__(self) -> Iterator[InboxItem]:
        return iter(self[0 : self.count()])


def counts_of(queryset: QuerySet[Any]) -> InboxCounts:
    """A source's counts in one query: all its notices, and those without ``read_at``."""
    figures = queryset.aggregate(
        total=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True))
    )
    return InboxCounts(total=figures["total"] or 0, unread=figures["unread"] or 0)
