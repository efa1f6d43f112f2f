import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from portal.composition.demo.accounts import demo_resident_id
from tests.factories import PASSWORD
from tests.integration.conftest import ROOT, wait_for

pytestmark = pytest.mark.integration


def test_sign_up_welcome_mail_is_sent_by_a_real_worker_on_redis(
    celery_worker: subprocess.Popen[bytes], mail_dir: Path
) -> None:
    """Sign-up dispatches a task after commit; a separate worker process on Redis sends it."""
    client = Client()
    response = client.post(
        reverse("accounts:sign_up"),
        {
            "username": "worker-test",
            "real_name": "周八",
            "id_number": demo_resident_id("33010619921010071"),
            "email": "zhouba@example.cn",
            "phone": "",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 303  # the same answer for every accepted sign-up
    assert wait_for(lambda: any(mail_dir.iterdir()), timeout=60), "the worker sent no mail"
    assert celery_worker.poll() is None
    mail = next(mail_dir.iterdir()).read_text()
    assert "zhouba@example.cn" in mail
    assert "worker-test" in mail


def test_zero_configuration_runs_a_real_worker_without_any_server(tmp_path: Path) -> None:
    """With no DATABASE_URL and no REDIS_URL: SQLite and a file-system broker, real worker."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL"} and not k.startswith("DJANGO_")
    }
    env["PORTAL_VAR_DIR"] = str(tmp_path / "var")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "-l", "INFO"],
        cwd=ROOT,
        env=env,
    )
    script = (
        "from portal.accounts.models import User\n"
        "from portal.accounts.tasks import send_welcome_email_task\n"
        "u = User.objects.create(username='solo', email='solo@example.cn')\n"
        "print('RESULT', send_welcome_email_task.delay(u.pk).get(timeout=90))\n"
    )
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    assert "RESULT True" in result.stdout, result.stdout + result.stderr
    mails = list((tmp_path / "var" / "mail").iterdir())
    assert len(mails) == 1
    assert "solo@example.cn" in mails[0].read_text()
