"""Objection notices and notices of unsealed reads in the one inbox (``portal.accounts.inbox``)."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from portal.accounts.inbox import InboxCounts, InboxItem, counts_of
from portal.accounts.models import User
from portal.core.bilingual import lang_marked
from portal.exchange import selectors
from portal.exchange.objections import objection_notices_mark_read
from portal.exchange.unsealing import read_notice_mark_read


class ObjectionNotices:
    kind = "objection"

    def counts(self, *, user: User) -> InboxCounts:
        return counts_of(selectors.objection_notices_for_user(user=user))

    def latest(self, *, user: User, limit: int) -> list[InboxItem]:
        notices = selectors.objection_notices_for_user(user=user).order_by("-created_at", "-pk")
        return [
            InboxItem(
                kind=self.kind,
                kind_label=_("Objection"),
                created_at=n.created_at,
                unread=n.read_at is None,
                url=reverse("exchange:objection_detail", args=[n.objection.reference]),
                link_text=n.objection.reference,
                after=(
                    f"{n.objection.access.reader_department.display_name} · "
                    f"{n.objection.access.dataset.display_name}: {n.get_kind_display()}"
                ),
            )
            for n in notices[:limit]
        ]

    def mark_read(self, *, user: User) -> int:
        return objection_notices_mark_read(user=user)


class ReadNotices:
    kind = "data_use"

    def counts(self, *, user: User) -> InboxCounts:
        return counts_of(selectors.read_notice_list(user=user))

    def latest(self, *, user: User, limit: int) -> list[InboxItem]:
        notices = selectors.read_notice_list(user=user).order_by("-created_at", "-pk")
        items = []
        for n in notices[:limit]:
            before = _(
                "%(department)s read “%(dataset)s” on %(date)s for an investigation; it was "
                "sealed until %(until)s."
            ) % {
                "department": n.access.reader_department.display_name,
                "dataset": n.access.dataset.display_name,
                "date": date_format(localtime(n.access.at), "Y-m-d"),
                "until": date_format(n.access.sealed_until, "Y-m-d")
                if n.access.sealed_until
                else "—",
            }
            if n.firm is not None:
                before = format_html("{} · {}", lang_marked(n.firm.name), before)
            items.append(
                InboxItem(
                    kind=self.kind,
                    kind_label=_("Use of your data"),
                    created_at=n.created_at,
                    unread=n.read_at is None,
                    url=reverse("exchange:data_uses"),
                    link_text=_("Who used my data"),
                    before=before,
                )
            )
        return items

    def mark_read(self, *, user: User) -> int:
        return read_notice_mark_read(user=user)
