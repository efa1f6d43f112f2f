"""rundemo starts the demo witnesses on free ports and tells the ledger where they are."""

import pytest

from ledger.models import Witness
from portal.composition.demo.ledger import (
    _witnesses,
    demo_witness_commands,
    demo_witnesses_listen_at,
)
from portal.composition.management.commands.rundemo import _start_witness

pytestmark = pytest.mark.django_db


def test_two_demos_on_one_host_do_not_share_witness_ports() -> None:
    _witnesses()
    children = []
    try:
        started = {}
        for run in ("first", "again"):
            for code, argv in demo_witness_commands(portal_url="http://127.0.0.1:8123").items():
                assert argv[argv.index("--access-tiles") + 1] == "http://127.0.0.1:8123/ledger"
                assert argv[argv.index("--index-tiles") + 1] == "http://127.0.0.1:8123/ledger/index"
                child, port = _start_witness(argv)
                children.append(child)
                started[run, code] = port
        assert len(set(started.values())) == len(started) == 4
        assert all(child.poll() is None for child in children), "every witness is still up"
        latest = {code: port for (run, code), port in started.items() if run == "again"}
        demo_witnesses_listen_at(ports=latest)
        urls = set(Witness.objects.values_list("url", flat=True))
        assert urls == {f"http://127.0.0.1:{port}" for port in latest.values()}
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=10)
