"""The account e-mail tasks retry when the mail server cannot be reached (their declared
retries fire), and give up after their limit."""

import smtplib

import pytest

from portal.accounts import tasks
from tests.factories import make_citizen

pytestmark = pytest.mark.django_db


def _flaky_send_mail(monkeypatch: pytest.MonkeyPatch, failures: int) -> list[str]:
    """``send_mail`` in the task module fails ``failures`` times, then sends."""
    from django.core import mail

    calls: list[str] = []

    def send_mail(**kwargs: object) -> int:
        calls.append(str(kwargs["subject"]))
        if len(calls) <= failures:
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return mail.send_mail(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tasks, "send_mail", send_mail)
    return calls


@pytest.mark.parametrize(
    "task", [tasks.send_welcome_email_task, tasks.send_sign_up_attempt_email_task]
)
def test_a_mail_server_outage_is_retried_until_the_mail_is_sent(
    task, monkeypatch, mailoutbox
) -> None:
    user = make_citizen(email="owner@example.cn")
    calls = _flaky_send_mail(monkeypatch, failures=2)
    result = task.apply(args=(user.pk,))
    assert result.get() is True
    assert len(calls) == 3
    assert [m.to for m in mailoutbox] == [["owner@example.cn"]]


def test_the_retries_stop_at_the_declared_limit(monkeypatch, mailoutbox) -> None:
    user = make_citizen(email="owner@example.cn")
    calls = _flaky_send_mail(monkeypatch, failures=100)
    result = tasks.send_welcome_email_task.apply(args=(user.pk,))
    with pytest.raises(smtplib.SMTPServerDisconnected):
        result.get()
    assert tasks.send_welcome_email_task.max_retries == 5
    assert len(calls) == 1 + 5
    assert mailoutbox == []
