"""Policy messages (pushed matches, 免申即享 grants and invitations) in the one inbox
(``portal.accounts.inbox``). They belong to firms: a person sees those of the firms they may file
for now."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from policies import selectors, services
from portal.accounts.inbox import InboxCounts, InboxItem, counts_of
from portal.accounts.models import User
from portal.core.bilingual import lang_marked


class PolicyNotices:
    kind = "policy"

    def counts(self, *, user: User) -> InboxCounts:
        return counts_of(selectors.policy_notices_for_user(user=user))

    def latest(self, *, user: User, limit: int) -> list[InboxItem]:
        return [
            InboxItem(
                kind=self.kind,
                kind_label=_("Policy"),
                created_at=n.created_at,
                unread=n.read_at is None,
                url=reverse("policies:detail", kwargs={"policy_id": n.policy_id}),
                link_text=n.policy.display_title,
                before=format_html("{} · {}:", lang_marked(n.firm.name), n.get_kind_display()),
            )
            for n in selectors.policy_notices_for_user(user=user)[:limit]
        ]

    def mark_read(self, *, user: User) -> int:
        return services.notices_mark_read_for_user(user=user)
