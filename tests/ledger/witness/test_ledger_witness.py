"""The C2SP tlog-witness server: two real witness processes on loopback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ledger.core.checkpoint import open_checkpoint
from ledger.core.entry import ZERO_HASH_HEX, Actor, Entry
from ledger.core.memlog import MemoryLog
from ledger.core.signing import generate, parse_vkey
from ledger.core.verify import verify_bundle
from ledger.witness.server import (
    Witness,
    WitnessClientError,
    WitnessConflict,
    add_checkpoint,
    format_add_checkpoint_body,
)

REPO = Path(__file__).resolve().parents[3]
ORIGIN = "ledger.example.gov.cn/access"


def entry(i: int, purpose: str = "review") -> Entry:
    return Entry(
        time=f"2025-02-01T10:00:00.{i:06d}Z",
        actor=Actor(department="TAX", user=None, system="tax-sys"),
        dataset="TAX_STANDING",
        fields=("standing",),
        purpose=purpose,
        application=None,
        outcome="granted",
        reason="",
        subject="ab" * 32,
        prev=ZERO_HASH_HEX,
    )


def grow(log: MemoryLog, n: int, purpose: str = "review") -> None:
    for _ in range(n):
        log.append(entry(log.size, purpose))


class WitnessProcess:
    def __init__(self, tmp: Path, name: str, log_vkey: str) -> None:
        self.key_file = tmp / f"{name}.key"
        self.state = tmp / f"{name}.state.json"
        self.log_vkey = log_vkey
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "ledger.witness",
                "--generate-key",
                name,
                "--key-file",
                str(self.key_file),
            ],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=60,
            check=True,
        )
        self.vkey = out.stdout.strip()
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ledger.witness",
                "--key-file",
                str(self.key_file),
                "--state",
                str(self.state),
                "--log-vkey",
                self.log_vkey,
                "--listen",
                "127.0.0.1:0",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert "listening on " in line, self.proc.stderr.read() if self.proc.stderr else line
        self.url = line.rsplit(" ", 1)[1].strip()

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()
            self.proc = None


@pytest.fixture
def setup(tmp_path):
    key = generate(ORIGIN)
    log = MemoryLog(ORIGIN, key)
    witnesses = [WitnessProcess(tmp_path, f"witness.dept{i}.example", key.vkey) for i in range(2)]
    for w in witnesses:
        w.start()
    yield log, witnesses
    for w in witnesses:
        w.stop()


def collect(log: MemoryLog, witnesses, old: int, note: str) -> list[str]:
    proof = log.consistency_proof(old) if old else []
    lines = []
    for w in witnesses:
        lines += add_checkpoint(w.url, old, proof, note, timeout=10)
    return lines


def test_consistent_sequence_is_cosigned_by_both_witnesses(setup):
    """Each growth step with a valid proof gets both cosignatures, which verify."""
    log, witnesses = setup
    wkeys = [parse_vkey(w.vkey) for w in witnesses]
    old = 0
    for step in (3, 5, 1, 16):
        grow(log, step)
        note = log.signed_checkpoint()
        lines = collect(log, witnesses, old, note)
        opened = open_checkpoint(note + "".join(lines), [log.key.verifier], wkeys)
        assert len(opened.cosignatures) == 2
        old = log.size
    # Re-submitting the same checkpoint (same size, same root) is cosigned again.
    assert len(collect(log, witnesses, old, log.signed_checkpoint())) == 2
    bundle = log.bundle(
        note + "".join(lines),
        witness_vkeys=[w.vkey for w in witnesses],
        witnesses_required=2,
    )
    assert verify_bundle(bundle).ok


def test_fork_and_rollback_get_no_cosignature(setup):
    """A forked log (same size, other root; or rewritten history) and rollbacks are refused."""
    log, witnesses = setup
    grow(log, 10)
    collect(log, witnesses, 0, log.signed_checkpoint())

    fork = MemoryLog(ORIGIN, log.key)
    grow(fork, 10, purpose="rewritten")
    for w in witnesses:
        # Same size, different root.
        with pytest.raises(WitnessConflict) as err:
            add_checkpoint(w.url, 10, [], fork.signed_checkpoint())
        assert err.value.status == 409
    grow(fork, 4, purpose="rewritten")
    for w in witnesses:
        with pytest.raises(WitnessClientError) as refused:
            add_checkpoint(w.url, 10, fork.consistency_proof(10), fork.signed_checkpoint())
        assert refused.value.status == 422
        # Rollback: submit an older checkpoint claiming the old size the witness knows.
        with pytest.raises(WitnessClientError) as rolled_back:
            add_checkpoint(w.url, 10, [], log.signed_checkpoint(6))
        assert rolled_back.value.status == 400
        # Stale old size: 409 with the latest size in a text/x.tlog.size body.
        with pytest.raises(WitnessConflict) as err:
            add_checkpoint(w.url, 0, [], log.signed_checkpoint())
        assert err.value.latest_size == 10


def test_unknown_log_and_bad_signature(setup):
    """Unknown origin is 404; a checkpoint not signed by the known log key is 403."""
    log, witnesses = setup
    grow(log, 2)
    stranger = MemoryLog("other.example/log", generate("other.example/log"))
    grow(stranger, 2)
    impostor = MemoryLog(ORIGIN, generate(ORIGIN))
    grow(impostor, 2)
    for w in witnesses:
        with pytest.raises(WitnessClientError) as err:
            add_checkpoint(w.url, 0, [], stranger.signed_checkpoint())
        assert err.value.status == 404
        with pytest.raises(WitnessClientError) as err:
            add_checkpoint(w.url, 0, [], impostor.signed_checkpoint())
        assert err.value.status == 403


def test_restart_keeps_state(setup):
    """After a restart the witness still knows the latest size and refuses a fork."""
    log, witnesses = setup
    grow(log, 7)
    collect(log, witnesses, 0, log.signed_checkpoint())
    for w in witnesses:
        w.stop()
        w.start()
    fork = MemoryLog(ORIGIN, log.key)
    grow(fork, 7, purpose="rewritten")
    for w in witnesses:
        with pytest.raises(WitnessConflict) as err:
            add_checkpoint(w.url, 0, [], fork.signed_checkpoint())
        assert err.value.latest_size == 7
    grow(log, 5)
    assert len(collect(log, witnesses, 7, log.signed_checkpoint())) == 2


def test_unreachable_witness_raises_clean_error():
    """A connection failure is a WitnessClientError, not a raw socket error."""
    with pytest.raises(WitnessClientError, match="unreachable"):
        add_checkpoint("http://127.0.0.1:9/", 0, [], "x\n\n", timeout=2)


def test_malformed_requests_are_400(tmp_path):
    """Bodies that break the request grammar are refused with 400 (in-process)."""
    key = generate(ORIGIN)
    log = MemoryLog(ORIGIN, key)
    grow(log, 3)
    witness = Witness(generate("w.example", 0x04), [key.verifier], tmp_path / "s.json")
    note = log.signed_checkpoint()
    assert witness.add_checkpoint(format_add_checkpoint_body(0, [], note)).status == 200
    for body in (
        b"",
        b"old\n\n" + note.encode(),
        b"old 01\n\n" + note.encode(),
        b"old 3\nnot-base64!\n\n" + note.encode(),
        b"old 3\n" + b"AAAA\n" + b"\n" + note.encode(),
        b"old 3\n" + (b"A" * 43 + b"=\n") * 64 + b"\n" + note.encode(),
        b"old 3\n\nno checkpoint here",
        b"\xff\xfe",
    ):
        assert witness.add_checkpoint(body).status == 400, body[:40]
    assert witness.add_checkpoint(format_add_checkpoint_body(0, [b"\x00" * 32], note)).status == 409
    state = (tmp_path / "s.json").read_text()
    assert '"size": 3' in state


def test_nonempty_proof_from_size_zero_is_422(tmp_path):
    """A first submission must carry an empty proof."""
    key = generate(ORIGIN)
    log = MemoryLog(ORIGIN, key)
    grow(log, 3)
    witness = Witness(generate("w.example", 0x04), [key.verifier], tmp_path / "s.json")
    body = format_add_checkpoint_body(0, [b"\x00" * 32], log.signed_checkpoint())
    assert witness.add_checkpoint(body).status == 422
