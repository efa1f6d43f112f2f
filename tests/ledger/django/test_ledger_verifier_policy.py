"""The browser verifier's pinned policy: generated from the registered keys, served as a
module at one fixed URL (or the deployment's reviewed file verbatim), refused when malformed."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from ledger.core.signing import ALG_COSIGNATURE_V1, generate
from ledger.core.verifier_policy import PolicyError, VerifierPolicy
from ledger.keys import log_signing_key, vrf_secret_key
from ledger.models import Witness
from ledger.services import _register_log_key

pytestmark = pytest.mark.django_db


def _policy(body: str) -> dict[str, object]:
    start = body.index("Object.freeze(") + len("Object.freeze(")
    value: dict[str, object] = json.loads(body[start : body.rindex(");")])
    return value


def test_the_policy_module_holds_the_registered_keys(client: Client) -> None:
    _register_log_key()
    witness = generate("witness.policy.test", ALG_COSIGNATURE_V1)
    Witness.objects.create(name=witness.name, url="http://127.0.0.1:9/", vkey=witness.vkey)
    response = client.get("/ledger/verifier-policy.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    policy = _policy(response.content.decode())
    assert policy["log_keys"] == [log_signing_key().vkey]
    assert policy["witness_keys"] == [witness.vkey]
    assert policy["vrf_keys"] == [vrf_secret_key().public.text]
    assert policy["quorum"] == 1


def test_a_deployment_serves_its_reviewed_file(client: Client, tmp_path: Path) -> None:
    _register_log_key()
    out = tmp_path / "policy.js"
    call_command("ledger_verifier_policy", "--out", str(out), "--quorum", "0")
    with override_settings(LEDGER_VERIFIER_POLICY_FILE=str(out)):
        assert client.get("/ledger/verifier-policy.js").content == out.read_bytes()
    with pytest.raises(CommandError, match="exceeds"):
        call_command("ledger_verifier_policy", "--out", str(out), "--quorum", "3")


def test_an_empty_ledger_has_no_policy_yet(client: Client) -> None:
    assert client.get("/ledger/verifier-policy.js").status_code == 404


def test_a_policy_refuses_bad_keys_and_quorums() -> None:
    log = log_signing_key().vkey
    vrf = vrf_secret_key().public.text
    with pytest.raises(PolicyError):
        VerifierPolicy.build(origin="o", log_keys=[], witness_keys=[], vrf_keys=[vrf], quorum=0)
    with pytest.raises(PolicyError):
        VerifierPolicy.build(origin="o", log_keys=[log], witness_keys=[], vrf_keys=[vrf], quorum=1)
    with pytest.raises(PolicyError):
        VerifierPolicy.build(origin="o", log_keys=[vrf], witness_keys=[], vrf_keys=[vrf], quorum=0)
    with pytest.raises(PolicyError):
        VerifierPolicy.build(origin="o", log_keys=[log], witness_keys=[log], vrf_keys=[], quorum=0)
