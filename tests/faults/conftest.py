"""Real processes for fault tests: a private Redis, gunicorn, Celery workers, signed reads."""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection

from portal.departments.signing_client import signed_headers
from tests.db_roles import as_owner
from tests.factories import FIRM_CODE, World
from tests.integration.conftest import ROOT, require_real_services, wait_for, worker_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateRedis:
    def __init__(self, port: int, workdir: Path) -> None:
        self.port, self.workdir = port, workdir
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
        )
        assert wait_for(self._answers, timeout=20), "private redis did not start"

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """In its own process group, so that its children (an embedded beat) go with it."""
    return subprocess.Popen(args, cwd=ROOT, env=env, start_new_session=True)


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Signal the whole process group, then make sure nothing of it is left."""
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # children that outlived their parent


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[dict[str, object]]:
    require_real_services()
    redis = PrivateRedis(free_port(), tmp_path)
    redis.start()
    web_port = free_port()
    env = worker_env(
        {
            "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
            "PORTAL_VAR_DIR": str(tmp_path / "var"),
            "API_SYSTEM_RATE": "1000000/min",
            "LEDGER_SWEEP_SECONDS": "2",
            "SERVICES_EMAIL_SWEEP_SECONDS": "2",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "LEDGER_CHECKPOINT_SECONDS": "3600",
            "LEDGER_BATCH_SIZE": "50",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    web = start(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{web_port}",
            "--log-level",
            "warning",
        ],
        env,
    )
    assert wait_for(lambda: _get(f"http://127.0.0.1:{web_port}/healthz") == 200, timeout=60)
    procs: list[subprocess.Popen[bytes]] = [web]
    try:
        yield {"redis": redis, "env": env, "base": f"http://127.0.0.1:{web_port}", "procs": procs}
    finally:
        for proc in procs:
            stop(proc)
        redis.stop()
        # Connections of killed processes must not keep the test database from being dropped
        # (they are the login's, which only the login may end).
        with as_owner(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def signed_read(base: str, key_id: str, key: Ed25519PrivateKey, n: int, world: World) -> int:
    url = f"{base}/api/v1/exchange/read"
    body = json.dumps(
        {
            "dataset": world.conditional.code,
            "subject": FIRM_CODE,
            "fields": ["name"],
            "purpose": f"故障演练 {n}",
            "application": f"FAULT-{n:05d}",
        },
        ensure_ascii=False,
    ).encode()
    headers = signed_headers(method="POST", url=url, body=body, key_id=key_id, key=key)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def worker(env: dict[str, str], name: str, *, beat: bool = False) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "-n", name]
    args += ["-l", "WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"]
    if beat:
        args += ["--beat", "-s", str(Path(env["PORTAL_VAR_DIR"]) / f"beat-{name}")]
    return start(args, env)


def submit_over_http(base: str, cookie: str, number: str) -> int:
    """Submit a filled draft as the applicant's browser would: read the page, post the form."""
    url = f"{base}/my/applications/{number}/submit/"
    with urllib.request.urlopen(
        urllib.request.Request(url, headers={"Cookie": cookie}), timeout=30
    ) as page:
        html = page.read().decode()
        csrf_cookie = next(
            c.split(";")[0] for c in page.headers.get_all("Set-Cookie") or [] if "csrftoken" in c
        )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1)}).encode(),
        headers={"Cookie": f"{cookie}; {csrf_cookie}"},
        method="POST",
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
