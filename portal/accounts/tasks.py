from collections.abc import Callable

from celery import shared_task
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core.site import absolute_url


def _mail_account_owner(
    user_id: int, subject: Callable[[], str], message: Callable[[User], str]
) -> bool:
    """E-mail an account's owner in zh-hans; False when there is no such account or address."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.email:
        return False
    with translation.override("zh-hans"):
        send_mail(
            subject=subject(),
            message=message(user),
            from_email=None,
            recipient_list=[user.email],
        )
    return True


# A mail server that cannot be reached or refuses (smtplib's errors are OSErrors) is retried
# with backoff; the task body is safe to run again (at most one more e-mail).
@shared_task(
    acks_late=True, max_retries=5, autoretry_for=(OSError,), retry_backoff=30, retry_jitter=True
)
def send_welcome_email_task(user_id: int) -> bool:
    """Send the welcome e-mail after sign-up. Idempotent enough: a retry sends at most again."""
    return _mail_account_owner(
        user_id,
        lambda: _("Welcome to the one-stop services portal"),
        lambda user: (
            _(
                "Dear %(name)s, your account %(username)s is ready. "
                "You can now find services and follow your applications in one place: "
                "%(url)s"
            )
            % {
                "name": user.real_name or user.username,
                "username": user.username,
                "url": absolute_url(reverse("accounts:login")),
            }
        ),
    )


@shared_task(
    acks_late=True, max_retries=5, autoretry_for=(OSError,), retry_backoff=30, retry_jitter=True
)
def send_sign_up_attempt_email_task(user_id: int) -> bool:
    """Tell an account's owner that someone tried to sign up with their identity number."""
    return _mail_account_owner(
        user_id,
        lambda: _("Someone tried to sign up with your identity number"),
        lambda user: (
            _(
                "Dear %(name)s, someone tried to open a new account on the one-stop services "
                "portal with your identity number; no account was made. Your account is "
                "%(username)s. If it was you, sign in with it, or reset its password if you "
                "have forgotten it. If it was not you, you need not do anything."
            )
            % {"name": user.real_name or user.username, "username": user.username}
        ),
    )
