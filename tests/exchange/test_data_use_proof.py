"""The per-read proof download (access-proof/v2) and its offline check with keys the person
supplies: valid as downloaded, and each kind of tampering refused with its reason."""

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ledger.core.access_proof import verify_access_proof
from ledger.core.signing import generate
from ledger.core.tlog_proof import TlogProof
from ledger.keys import log_signing_key, vrf_secret_key
from ledger.services import ledger_read_unseal, ledger_sequence_all
from ledger.verify import main as verify_main
from tests.exchange.test_data_uses import WITNESS, _sealed_read, cosign_latest, setting

pytestmark = pytest.mark.django_db
__all__ = ["setting"]  # the fixture, shared


def download(client: Client, setting: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    ledger_sequence_all()
    cosign_latest()
    client.force_login(setting["alice"])
    row = client.get(reverse("exchange:data_use_verification")).json()["rows"][0]
    response = client.get(reverse("exchange:data_use_proof", args=[row["event"]]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == (
        f'attachment; filename="access-proof-{row["index"]}.json"'
    )
    return json.loads(response.content), bytes(response.content)


def check(data: bytes, **overrides: Any) -> Any:
    keys: dict[str, Any] = {
        "log_keys": [log_signing_key().vkey],
        "witness_keys": [WITNESS.vkey],
        "vrf_keys": [vrf_secret_key().public.text],
        "min_witnesses": 1,
    }
    keys.update(overrides)
    return verify_access_proof(data, **keys)


def test_the_downloaded_proof_verifies_offline(client: Client, setting) -> None:
    proof, raw = download(client, setting)
    assert proof["format"] == "access-proof/v2"
    assert proof["identifier"] == setting["alice"].id_number
    assert proof["read"]["tlog_proof"].startswith("c2sp.org/tlog-proof@v1\nindex ")
    assert "keys" not in proof  # the person supplies them
    report = check(raw)
    assert report.ok, report.message
    assert report.code == "valid"


def test_the_command_line_checks_it_against_the_keys_given(
    client: Client, setting, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _proof, raw = download(client, setting)
    path = tmp_path / "access-proof.json"
    path.write_bytes(raw)
    args = [
        "--proof",
        str(path),
        "--key",
        log_signing_key().vkey,
        "--key",
        WITNESS.vkey,
        "--vrf-key",
        vrf_secret_key().public.text,
    ]
    assert verify_main(args) == 0
    assert capsys.readouterr().out.startswith("valid: entry ")
    assert verify_main([*args, "--min-witnesses", "2"]) == 1
    assert "(witness_quorum)" in capsys.readouterr().out
    other_log = generate(log_signing_key().name)
    wrong = ["--proof", str(path), "--key", other_log.vkey, "--vrf-key", args[-1]]
    assert verify_main(wrong) == 1
    assert "(checkpoint_signature)" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        verify_main(["--proof", str(path), "--key", log_signing_key().vkey])  # no --vrf-key


def _flip_b64(text: str, at: int) -> str:
    data = bytearray(base64.b64decode(text))
    data[at] ^= 0x01
    return base64.b64encode(bytes(data)).decode()


def _set_entry(proof: dict[str, Any], change: Callable[[bytes], bytes]) -> None:
    proof["read"]["entry"] = base64.b64encode(
        change(base64.b64decode(proof["read"]["entry"]))
    ).decode()


def _tamper_checkpoint(proof: dict[str, Any]) -> None:
    """The checkpoint claims one more entry than the log signed."""
    head, _sep, note = proof["read"]["tlog_proof"].partition("\n\n")
    lines = note.split("\n")
    lines[1] = str(int(lines[1]) + 1)
    proof["read"]["tlog_proof"] = head + "\n\n" + "\n".join(lines)


def _tamper_cosignature(proof: dict[str, Any]) -> None:
    """The witness's cosignature line has one bit changed."""
    head, _sep, note = proof["read"]["tlog_proof"].partition("\n\n")
    lines = note.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith(f"\u2014 {WITNESS.name} "):
            prefix, b64 = line.rstrip("\n").rsplit(" ", 1)
            lines[i] = f"{prefix} {_flip_b64(b64, -1)}\n"
    proof["read"]["tlog_proof"] = head + "\n\n" + "".join(lines)


def _tamper_inclusion(proof: dict[str, Any]) -> None:
    parsed = TlogProof.from_text(proof["read"]["tlog_proof"])
    hashes = list(parsed.hashes) or [bytes(32)]
    hashes[0] = bytes([hashes[0][0] ^ 1]) + hashes[0][1:]
    tampered = TlogProof(parsed.index, tuple(hashes), parsed.checkpoint)
    proof["read"]["tlog_proof"] = tampered.to_text()


def _other_label(data: bytes) -> bytes:
    label = json.loads(data)["label"]
    other = ("1" if label[0] != "1" else "2") + label[1:]
    return data.replace(label.encode(), other.encode())


def _flip_hex(text: str) -> str:
    """One bit of the first byte changed: always a different value (setting a byte to a
    constant is a no-op once in 256 runs)."""
    data = bytearray.fromhex(text)
    data[0] ^= 1
    return data.hex()


def _flip_opening(proof: dict[str, Any]) -> None:
    proof["read"]["opening"] = _flip_hex(proof["read"]["opening"])


TAMPERING: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("opening", _flip_opening, "commitment"),
    (
        "details",
        lambda p: p["read"].update(details=p["read"]["details"].replace("低保审核", "核对")),
        "commitment",
    ),
    (
        "label in the entry",
        lambda p: _set_entry(p, _other_label),
        "label",
    ),
    ("VRF proof", lambda p: p["read"].update(vrf_proof=_flip_hex(p["read"]["vrf_proof"])), "label"),
    ("counter", lambda p: p["read"].update(counter=p["read"]["counter"] + 1), "label"),
    ("identifier", lambda p: p.update(identifier="110101199003070011"), "label"),
    (
        "an entry byte",
        lambda p: _set_entry(p, lambda b: b.replace(b'"granted"', b'"refused"')),
        "inclusion",
    ),
    ("an inclusion hash", _tamper_inclusion, "inclusion"),
    ("the checkpoint", _tamper_checkpoint, "checkpoint_signature"),
    ("a witness cosignature", _tamper_cosignature, "witness_signature"),
    ("the opening deleted", lambda p: p["read"].update(opening=None), "opening_deleted"),
    ("an unseal link", lambda p: p.update(sealed=p["read"]), "unseal_link"),
    ("not JSON", lambda p: p.clear(), "malformed"),
]


@pytest.mark.parametrize(("what", "tamper", "code"), TAMPERING, ids=[t[0] for t in TAMPERING])
def test_each_tampering_is_refused_with_its_reason(
    client: Client, setting, what: str, tamper: Callable[[dict[str, Any]], None], code: str
) -> None:
    proof, _raw = download(client, setting)
    tamper(proof)
    report = check(json.dumps(proof).encode())
    assert not report.ok, what
    assert report.code == code, (what, report.message)


def test_keys_are_never_taken_from_the_file(client: Client, setting) -> None:
    _proof, raw = download(client, setting)
    other_vrf = generate("other")  # a log-style key where a VRF key belongs is refused
    assert check(raw, vrf_keys=[]).code == "malformed"
    assert check(raw, log_keys=[]).code == "malformed"
    assert check(raw, witness_keys=[]).code == "witness_quorum"
    assert check(raw, witness_keys=[], min_witnesses=0).ok
    from ledger.core.vrf import generate_vrf_key

    assert check(raw, vrf_keys=[generate_vrf_key(vrf_secret_key().name).public.text]).code == (
        "vrf_key"
    )
    assert other_vrf.vkey not in raw.decode()


def test_another_persons_read_is_not_found_and_pending_reads_wait(client: Client, setting) -> None:
    client.force_login(setting["bob"])
    bob_event = client.get(reverse("exchange:data_use_verification")).json()["rows"][0]["event"]
    client.force_login(setting["alice"])
    assert client.get(reverse("exchange:data_use_proof", args=[bob_event])).status_code == 404
    own = client.get(reverse("exchange:data_use_verification")).json()["rows"][0]["event"]
    response = client.get(reverse("exchange:data_use_proof", args=[own]))
    assert response.status_code == 302  # still pending: back to the list with a message
    assert "尚未进入见证方联署的检查点" in client.get(response["Location"]).content.decode()


def test_an_unsealed_reads_proof_carries_and_checks_the_sealed_entry(
    client: Client, setting
) -> None:
    alice = setting["alice"]
    sealed = _sealed_read(str(alice.id_number), setting["reader"].code, setting["people"].code)
    ledger_read_unseal(sealed_id=sealed.pk)
    ledger_sequence_all()
    cosign_latest()
    client.force_login(alice)
    rows = client.get(reverse("exchange:data_use_verification")).json()["rows"]
    event = next(r["event"] for r in rows if r["sealed"] is not None)
    raw = client.get(reverse("exchange:data_use_proof", args=[event])).content
    report = check(raw)
    assert report.ok, report.message
    assert "sealed until 2026-09-01" in report.message
    proof = json.loads(raw)
    proof["sealed"]["opening"] = "00" * 16
    assert check(json.dumps(proof).encode()).code == "commitment"
    proof = json.loads(raw)
    proof["sealed"] = None
    assert check(json.dumps(proof).encode()).code == "unseal_link"
