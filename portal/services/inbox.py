"""Application notices in the one inbox (``portal.accounts.inbox``)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from portal.accounts.inbox import InboxCounts, InboxItem, counts_of
from portal.accounts.models import User
from portal.core.bilingual import lang_marked
from portal.services import selectors, services


class ApplicationNotices:
    kind = "application"

    def counts(self, *, user: User) -> InboxCounts:
        return counts_of(selectors.notification_list(user=user))

    def latest(self, *, user: User, limit: int) -> list[InboxItem]:
        items = []
        for n in selectors.notification_list(user=user).order_by("-created_at", "-pk")[:limit]:
            after = format_html(
                "{}: {}", n.application.service.display_name, n.event.get_to_status_display()
            )
            if n.event.reason:
                after = format_html("{} — {}", after, lang_marked(n.event.reason))
            items.append(
                InboxItem(
                    kind=self.kind,
                    kind_label=_("Application"),
                    created_at=n.created_at,
                    unread=n.read_at is None,
                    url=reverse("services:application_detail", args=[n.application.number]),
                    link_text=n.application.number,
                    after=after,
                )
            )
        return items

    def mark_read(self, *, user: User) -> int:
        return services.notification_mark_read(user=user)
