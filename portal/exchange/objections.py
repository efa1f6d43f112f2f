"""Writes of objections to data accesses: their lifecycle and the notices to the person.

An objection is received (with a reference number and a deadline of
``EXCHANGE_OBJECTION_DAYS`` working days), taken under review and answered by the reading
department; when the deadline passes unanswered it is escalated to the auditors covering
that department, who may then answer it too. Every change is a notice to the person on the
site and by e-mail (``ObjectionNotice``), sent after commit and swept up by the beat if the
broker was down. Who may do what is decided in ``portal.exchange.access``.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core.dispatch import dispatch_on_commit
from portal.core.site import absolute_url
from portal.core.text import visible_text
from portal.exchange import access as access_rules
from portal.exchange.constants import (
    OBJECTION_TEXT_LIMIT,
    OPEN_OBJECTION_STATUSES,
    ObjectionNoticeKind,
    ObjectionStatus,
)
from portal.exchange.models import Access, Objection, ObjectionNotice, ObjectionSequence
from portal.services.workdays import add_working_days


def _next_reference(year: int) -> str:
    """YY-<year>-<six digits> (异议), from a locked per-year counter (no two alike, no race)."""
    ObjectionSequence.objects.get_or_create(year=year)
    sequence = ObjectionSequence.objects.select_for_update().get(year=year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return f"YY-{year}-{sequence.last_value:06d}"


def _lock(objection: Objection) -> Objection:
    return (
        Objection.objects.select_for_update(of=("self",))
        .select_related("access__reader_department", "access__dataset")
        .get(pk=objection.pk)
    )


@transaction.atomic
def objection_raise(*, access: Access, user: User, text: str, firm_id: int | None) -> Objection:
    """A person (or a firm's representative) objects to an access of their data.

    The caller has checked that the access is about the person or the firm
    (``access.access_data_use``). One open objection per access and subject: a second one
    while the first is open is refused with the first one's reference.
    """
    clean = visible_text(text)
    if not clean:
        raise ValidationError({"text": _("Say why you think this access was not justified.")})
    if len(clean) > OBJECTION_TEXT_LIMIT:
        raise ValidationError(
            {"text": _("At most %(limit)d characters.") % {"limit": OBJECTION_TEXT_LIMIT}}
        )
    pending = Objection.objects.filter(access=access, status__in=OPEN_OBJECTION_STATUSES)
    pending = (
        pending.filter(firm_id=firm_id)
        if firm_id is not None
        else pending.filter(raised_by=user, firm__isnull=True)
    )
    first = pending.first()
    if first is not None:
        raise ValidationError(
            _("You have already objected to this access (%(reference)s); it is not answered yet.")
            % {"reference": first.reference}
        )
    now = timezone.now()
    filed = timezone.localdate(now)
    objection = Objection.objects.create(
        reference=_next_reference(filed.year),
        access=access,
        raised_by=user,
        firm_id=firm_id,
        text=clean,
        due_on=add_working_days(filed, settings.EXCHANGE_OBJECTION_DAYS),
    )
    _notify(objection=objection, kind=ObjectionNoticeKind.RECEIVED)
    return objection


@transaction.atomic
def objection_review_start(*, actor: User, objection: Objection) -> Objection:
    """The reading department (or, once escalated, an auditor) takes the objection up."""
    objection = _lock(objection)
    access_rules.handle_objection_check(user=actor, objection=objection)
    if objection.status != ObjectionStatus.RECEIVED:
        raise ValidationError(_("This objection is already under review or answered."))
    objection.status = ObjectionStatus.UNDER_REVIEW
    objection.review_started_at = timezone.now()
    objection.review_started_by = actor
    objection.save(update_fields=["status", "review_started_at", "review_started_by"])
    _notify(objection=objection, kind=ObjectionNoticeKind.UNDER_REVIEW)
    return objection


@transaction.atomic
def objection_answer(*, actor: User, objection: Objection, response: str) -> Objection:
    """The reading department, or after escalation an auditor, answers; the person is told."""
    objection = _lock(objection)
    access_rules.handle_objection_check(user=actor, objection=objection)
    if objection.status == ObjectionStatus.ANSWERED:
        raise ValidationError(_("This objection has already been answered."))
    clean = visible_text(response)
    if not clean:
        raise ValidationError({"response": _("Write the answer.")})
    if len(clean) > OBJECTION_TEXT_LIMIT:
        raise ValidationError(
            {"response": _("At most %(limit)d characters.") % {"limit": OBJECTION_TEXT_LIMIT}}
        )
    now = timezone.now()
    if objection.review_started_at is None:
        objection.review_started_at = now
        objection.review_started_by = actor
    objection.status = ObjectionStatus.ANSWERED
    objection.response = clean
    objection.responded_by = actor
    objection.responded_at = now
    objection.answered_by_auditor = not access_rules.may_answer_for_department(
        user=actor, objection=objection
    )
    objection.save()
    _notify(objection=objection, kind=ObjectionNoticeKind.ANSWERED)
    return objection


@transaction.atomic
def objection_escalate(*, objection_id: int, today: dt.date | None = None) -> bool:
    """Escalate one objection whose deadline has passed unanswered; False if there is
    nothing to do (answered, already escalated, not yet due, or gone): safe to repeat."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("access__reader_department")
        .filter(pk=objection_id)
        .first()
    )
    if objection is None or objection.status == ObjectionStatus.ANSWERED:
        return False
    if objection.escalated_at is not None:
        return False
    if (today or timezone.localdate()) <= objection.due_on:
        return False
    objection.escalated_at = timezone.now()
    objection.save(update_fields=["escalated_at"])
    _notify(objection=objection, kind=ObjectionNoticeKind.ESCALATED)
    return True


def objections_escalate_overdue(*, today: dt.date | None = None, limit: int = 1000) -> int:
    """The beat: escalate every objection past its deadline, each in its own transaction."""
    day = today or timezone.localdate()
    overdue = list(
        Objection.objects.filter(
            status__in=OPEN_OBJECTION_STATUSES, escalated_at__isnull=True, due_on__lt=day
        )
        .order_by("due_on", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(objection_escalate(objection_id=pk, today=day) for pk in overdue)


# --- Notices to the person -----------------------------------------------------------------


def _notify(*, objection: Objection, kind: ObjectionNoticeKind) -> list[ObjectionNotice]:
    """A notice to each person on the objection's side, e-mailed after commit."""
    notices = []
    for recipient in access_rules.objection_recipients(objection=objection):
        notice, created = ObjectionNotice.objects.get_or_create(
            objection=objection, recipient=recipient, kind=kind
        )
        notices.append(notice)
        if created:
            _email_after_commit(notice.pk)
    return notices


def _email_after_commit(notice_id: int) -> None:
    from portal.exchange.tasks import objection_notice_email_task

    # robust: a broker outage must not fail the request that already committed.
    dispatch_on_commit(objection_notice_email_task, notice_id)


def _mail_lines(notice: ObjectionNotice) -> tuple[str, list[str]]:
    """Subject and lines of the e-mail of one notice, in the portal's language (zh-hans)."""
    objection = notice.objection
    recipient = notice.recipient
    kind = ObjectionNoticeKind(notice.kind)
    subject = _("Objection %(reference)s: %(what)s") % {
        "reference": objection.reference,
        "what": kind.label,
    }
    lines = [
        _("Dear %(name)s,") % {"name": recipient.real_name or recipient.username},
        _("your objection %(reference)s to the reading of “%(dataset)s” by %(department)s:")
        % {
            "reference": objection.reference,
            "dataset": objection.access.dataset.name,
            "department": objection.access.reader_department.name,
        },
        str(kind.label) + ".",
    ]
    if kind == ObjectionNoticeKind.RECEIVED:
        lines.append(
            _("The department answers by %(due)s.") % {"due": objection.due_on.isoformat()}
        )
    if kind == ObjectionNoticeKind.ESCALATED:
        lines.append(
            _("The auditors who supervise the department now see your objection and may answer it.")
        )
    if kind == ObjectionNoticeKind.ANSWERED:
        lines.append(_("The answer: %(answer)s") % {"answer": objection.response})
    lines.append(
        _("Read it at %(path)s")
        % {
            "path": absolute_url(
                reverse("exchange:objection_detail", kwargs={"reference": objection.reference})
            )
        }
    )
    return str(subject), [str(line) for line in lines]


@transaction.atomic
def objection_notice_email_send(*, notice_id: int) -> bool:
    """Send the e-mail of one notice, at most once (the row is locked and marked)."""
    notice = (
        ObjectionNotice.objects.select_for_update(of=("self",))
        .select_related(
            "recipient",
            "objection__access__dataset",
            "objection__access__reader_department",
        )
        .filter(pk=notice_id)
        .first()
    )
    if notice is None or notice.emailed_at is not None:
        return False
    recipient = notice.recipient
    # Not mailed to someone without an address, or who may no longer see the objection (a
    # former agent of the firm); the row is closed so that the sweeper does not try again.
    if not recipient.email or not access_rules.may_follow_objection(
        user=recipient, objection=notice.objection
    ):
        notice.emailed_at = timezone.now()
        notice.save(update_fields=["emailed_at"])
        return False
    with translation.override("zh-hans"):
        subject, lines = _mail_lines(notice)
    send_mail(
        subject=subject, message="\n".join(lines), from_email=None, recipient_list=[recipient.email]
    )
    notice.emailed_at = timezone.now()
    notice.save(update_fields=["emailed_at"])
    return True


def objection_notices_email_pending(*, limit: int = 500) -> int:
    """The beat: send the e-mails not sent yet (the broker was down, a worker died)."""
    pending = list(
        ObjectionNotice.objects.filter(emailed_at__isnull=True)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(objection_notice_email_send(notice_id=pk) for pk in pending)


@transaction.atomic
def objection_notices_mark_read(*, user: User, objection: Objection | None = None) -> int:
    """Mark the person's notices read: of one objection (its page was opened), or all."""
    qs = ObjectionNotice.objects.filter(recipient=user, read_at__isnull=True)
    if objection is not None:
        qs = qs.filter(objection=objection)
    return qs.update(read_at=timezone.now())
