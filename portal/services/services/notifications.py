"""Notifications: the applicant side is told of each move, in the portal and by e-mail."""

from collections.abc import Iterable

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core.dispatch import dispatch_on_commit
from portal.core.site import absolute_url
from portal.services import access
from portal.services.constants import ApplicationStatus
from portal.services.models import Application, ApplicationEvent, Notification


def _notify(*, application: Application, event: ApplicationEvent) -> list[Notification]:
    """Tell the applicant side: the person who applied, or for a firm every current
    representative who may file for it (never a former agent, whose mandate has ended)."""
    if application.firm_id is None:
        recipients = [application.applicant]
    else:
        recipients = list(access.firm_recipients(firm_id=application.firm_id))
    notifications = []
    for recipient in recipients:
        notification, created = Notification.objects.get_or_create(
            event=event, recipient=recipient, defaults={"application": application}
        )
        notifications.append(notification)
        if created:
            _email_after_commit(notification.pk)
    return notifications


def _email_after_commit(notification_id: int) -> None:
    from portal.services.tasks import notification_email_task

    dispatch_on_commit(notification_email_task, notification_id)


def notifications_email_pending(*, limit: int = 500) -> int:
    """Send the e-mails not sent yet (the broker was down, a worker died): the beat sweeper.

    Each send locks and marks its row, so this never sends a notice twice.
    """
    pending = list(
        Notification.objects.filter(emailed_at__isnull=True)
        .exclude(recipient__email="")
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(notification_email_send(notification_id=pk) for pk in pending)


@transaction.atomic
def notification_email_send(*, notification_id: int) -> bool:
    """Send the e-mail of one notice, at most once (the row is locked and marked)."""
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("recipient", "application__service", "event")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.emailed_at is not None:
        return False
    recipient = notification.recipient
    if not recipient.email:
        return False
    # A notice about a firm's application is not mailed to someone whose mandate has ended;
    # the row is closed so that the sweeper does not try it again.
    if not access.person_may_act(user=recipient, application=notification.application):
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        return False
    application = notification.application
    event = notification.event
    with translation.override("zh-hans"):
        status = ApplicationStatus(event.to_status).label
        subject = _("Application %(number)s: %(status)s") % {
            "number": application.number,
            "status": status,
        }
        lines = [
            _("Dear %(name)s,") % {"name": recipient.real_name or recipient.username},
            _("your application %(number)s for “%(service)s” is now: %(status)s.")
            % {"number": application.number, "service": application.service.name, "status": status},
        ]
        if event.reason:
            lines.append(_("Reason: %(reason)s") % {"reason": event.reason})
        lines.append(
            _("Follow it at %(path)s")
            % {
                "path": absolute_url(
                    reverse("services:application_detail", args=[application.number])
                )
            }
        )
        send_mail(
            subject=str(subject),
            message="\n".join(str(line) for line in lines),
            from_email=None,
            recipient_list=[recipient.email],
        )
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    return True


@transaction.atomic
def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
