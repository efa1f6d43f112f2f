"""Writes that end a seal: unsealing sealed reads (on their date or early) and telling the person.

A sealed read (``exchange_read`` with a covert investigation's purpose) is hidden from the
person until it is unsealed. Unsealing writes, in one transaction, the ledger's unseal entry
(a normal entry in the person's namespace that points to the sealed one and opens it,
``ledger.services.ledger_read_unseal``), marks the access unsealed so the person's pages show
it, and leaves a notice for the person (and a firm's representatives who may see its data
use), e-mailed once after commit. TRANSPARENCY.md §3; docs/ledger-formats.md §7.5.
"""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ledger.models import ReadDetails
from ledger.services import UnsealError, ledger_read_unseal, ledger_sequence_all
from portal.accounts.models import Firm, FirmRepresentative, User
from portal.accounts.selectors import representation_is_current
from portal.core.dispatch import dispatch_on_commit
from portal.exchange import access as access_rules
from portal.exchange.models import Access, ReadNotice

logger = logging.getLogger(__name__)


@transaction.atomic
def sealed_read_unseal(
    *, access_id: str, actor: User | None = None, at: dt.datetime | None = None
) -> Access:
    """Unseal one sealed read now: ledger unseal entry, access shown to the person, notices.

    ``actor`` is the staff member ending the seal early (who must be allowed to,
    ``access.may_unseal``); None is the scheduled unsealing on the unseal-by date. Raises
    ``ValidationError`` if the read is not sealed, already unsealed or not in the log yet.
    """
    found = (
        Access.objects.select_for_update()
        .select_related("reader_department")
        .filter(pk=access_id, sealed_until__isnull=False)
        .first()
    )
    if found is None:
        raise ValidationError(_("There is no sealed read with this reference."))
    if actor is not None and not access_rules.may_unseal(
        user=actor, department=found.reader_department
    ):
        raise PermissionDenied(_("Your roles do not include unsealing reads early."))
    if found.unsealed_at is not None:
        raise ValidationError(_("This read has been unsealed already."))
    details = ReadDetails.objects.filter(event_id=found.ledger_event_id).first()
    if details is None:
        raise ValidationError(_("This read has no ledger entry to unseal."))
    identifier = details.sealed_identifier
    try:
        ledger_read_unseal(sealed_id=details.pk, at=at)
    except UnsealError:
        raise ValidationError(
            _("The sealed read is still being written to the ledger; unseal it in a minute.")
        ) from None
    found.unsealed_at = at or timezone.now()
    found.save(update_fields=["unsealed_at"])
    _notify_unsealed(access=found, identifier=identifier)
    return found


def sealed_reads_unseal_due(*, today: dt.date | None = None) -> int:
    """Unseal every sealed read whose unseal-by date has come (the beat task and
    ``manage.py ledger_unseal_due``). Idempotent; each read in its own transaction.

    Pending ledger events are sequenced first, so the sealed entries being opened are in the
    log; a read that still cannot be unsealed is logged and left for the next run.
    """
    ledger_sequence_all()
    day = today or timezone.localdate()
    due = list(
        Access.objects.filter(sealed_until__lte=day, unsealed_at__isnull=True)
        .order_by("sealed_until", "at")
        .values_list("pk", flat=True)
    )
    done = 0
    for access_id in due:
        try:
            sealed_read_unseal(access_id=str(access_id))
        except ValidationError as exc:
            logger.warning("sealed read %s not unsealed: %s", access_id, " ".join(exc.messages))
            continue
        done += 1
    return done


def _recipients(identifier: str) -> list[tuple[User, Firm | None]]:
    """Who is told: the citizen with this identity number, or the firm's current
    representatives who may see who used its data."""
    people: list[tuple[User, Firm | None]] = [
        (user, None) for user in User.objects.filter(id_number=identifier, is_active=True)
    ]
    firm = Firm.objects.filter(uscc=identifier).first()
    if firm is not None:
        reps = FirmRepresentative.objects.filter(
            firm=firm, can_view_data_use=True, user__is_active=True
        ).select_related("user")
        people += [(rep.user, firm) for rep in reps if representation_is_current(rep)]
    return people


def _notify_unsealed(*, access: Access, identifier: str) -> list[ReadNotice]:
    from portal.exchange.tasks import read_notice_email_task

    notices = []
    for user, firm in _recipients(identifier):
        notice, created = ReadNotice.objects.get_or_create(
            access=access, recipient=user, defaults={"firm": firm}
        )
        notices.append(notice)
        if created:
            # robust: a broker outage must not undo the unsealing; the sweep sends it later.
            dispatch_on_commit(read_notice_email_task, notice.pk)
    return notices


@transaction.atomic
def read_notice_email_send(*, notice_id: int) -> bool:
    """E-mail one unsealing notice, at most once (the row is locked and marked)."""
    notice = (
        ReadNotice.objects.select_for_update(of=("self",))
        .select_related("recipient", "access__reader_department", "access__dataset", "firm")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None or notice.emailed_at is not None:
        return False
    recipient = notice.recipient
    if not recipient.email:
        return False
    read = notice.access
    with translation.override("zh-hans"):
        subject = _("A sealed read of your data has been unsealed")
        lines = [
            _("Dear %(name)s,") % {"name": recipient.real_name or recipient.username},
            _(
                "on %(date)s %(department)s read “%(dataset)s” about %(whom)s for an "
                "investigation; the read was sealed until %(until)s and is now shown to you."
            )
            % {
                "date": timezone.localtime(read.at).date().isoformat(),
                "department": read.reader_department.name,
                "dataset": read.dataset.name,
                "whom": notice.firm.name if notice.firm is not None else _("you"),
                "until": read.sealed_until.isoformat() if read.sealed_until else "",
            },
            _("See it at %(path)s") % {"path": reverse("exchange:data_uses")},
        ]
        send_mail(
            subject=str(subject),
            message="\n".join(str(line) for line in lines),
            from_email=None,
            recipient_list=[recipient.email],
        )
    notice.emailed_at = timezone.now()
    notice.save(update_fields=["emailed_at"])
    return True


def read_notices_email_pending(*, limit: int = 500) -> int:
    """Send the unsealing e-mails not sent yet (broker down, worker died): run by the beat
    task after unsealing. Each send locks and marks its row, so none goes twice."""
    pending = list(
        ReadNotice.objects.filter(emailed_at__isnull=True)
        .exclude(recipient__email="")
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(read_notice_email_send(notice_id=pk) for pk in pending)


@transaction.atomic
def read_notice_mark_read(*, user: User) -> int:
    """Mark the person's unsealing notices as read."""
    return ReadNotice.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
