"""Offline bundle verification: valid exports pass, each kind of tampering names its index."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.core.bundle import bundle_to_json
from ledger.core.checkpoint import cosign
from ledger.core.entry import ZERO_HASH_HEX, Actor, Entry, subject_hash
from ledger.core.memlog import MemoryLog
from ledger.core.signing import ALG_COSIGNATURE_V1, generate
from ledger.core.verify import ConsistencyError, verify_bundle, verify_checkpoint_consistency

ORIGIN = "ledger.example.gov.cn/access"
REPO = Path(__file__).resolve().parents[3]

LOG_KEY = generate(ORIGIN)
WITNESSES = [generate(f"witness.dept{i}.example", ALG_COSIGNATURE_V1) for i in range(3)]


def entry(i: int) -> Entry:
    return Entry(
        time=f"2025-01-31T08:00:{i % 60:02d}.{i:06d}Z",
        actor=Actor(department="AMR", user=f"staff-{i % 7}", system=None),
        dataset="BUSINESS_LICENCE",
        fields=("legal_representative", "status"),
        purpose="application-review",
        application=f"APP-{i:06d}",
        outcome="granted" if i % 5 else "refused",
        reason="" if i % 5 else "NO_GRANT",
        subject=subject_hash(b"secret", f"subject-{i}"),
        prev=ZERO_HASH_HEX,
    )


def build_log(n: int) -> MemoryLog:
    log = MemoryLog(ORIGIN, LOG_KEY)
    for i in range(n):
        log.append(entry(i))
    return log


def cosigned(log: MemoryLog, size: int | None = None, witnesses=WITNESSES) -> str:
    note = log.signed_checkpoint(size)
    text = note[: note.rfind("\n\n") + 1]
    return note + "".join(cosign(text, w, timestamp=1700000000) for w in witnesses)


def make_bundle(n=20, start=0, end=None, size=None, required=2):
    log = build_log(n)
    return log.bundle(
        cosigned(log, size),
        start,
        end,
        witness_vkeys=[w.vkey for w in WITNESSES],
        witnesses_required=required,
    )


def test_full_bundle_verifies():
    """A complete export with two required cosignatures verifies and reports the root."""
    log = build_log(20)
    report = verify_bundle(make_bundle())
    assert report.ok, report.message
    assert report.entries == 20 and report.cosignatures == 3
    assert report.root_hash == log.store.root().hex()
    assert report.exit_code == 0


@pytest.mark.parametrize(
    ("start", "end", "size"),
    [(0, 7, 20), (5, 20, 20), (3, 11, 20), (19, 20, 20), (0, 1, 1), (1, 2, 2)],
)
def test_partial_bundles_verify_with_range_proof(start, end, size):
    """Ranges connect to the checkpoint root through the range proof and the prev leaf."""
    report = verify_bundle(make_bundle(n=size, start=start, end=end, size=size))
    assert report.ok, report.message


def test_bundle_against_larger_checkpoint_after_key_rotation():
    """Entries signed by an old key still verify after rotation; checkpoint by the new key."""
    log = build_log(10)
    log.rotate_key(generate(ORIGIN))
    for i in range(10, 15):
        log.append(entry(i))
    bundle = log.bundle(log.signed_checkpoint(), 0, 12)
    report = verify_bundle(bundle)
    assert report.ok, report.message


def _entries(bundle):
    return bundle["entries"]


def _edit_entry(bundle, pos, **changes):
    item = _entries(bundle)[pos]
    data = base64.b64decode(item["entry"])
    new = replace(Entry.from_bytes(data), **changes)
    item["entry"] = base64.b64encode(new.to_bytes()).decode()


def test_changed_entry_byte_is_detected_at_its_index():
    """Editing entry 5's bytes breaks its log signature: reported as entry 5."""
    bundle = make_bundle()
    _edit_entry(bundle, 5, purpose="something-else")
    report = verify_bundle(bundle)
    assert report.status == "invalid"
    assert report.index == 5
    assert report.message == "entry 5: log signature does not verify"


def test_resigned_changed_entry_breaks_the_chain_at_the_next_index():
    """An operator who re-signs an edited entry 5 is caught by entry 6's prev hash."""
    bundle = make_bundle()
    _edit_entry(bundle, 5, purpose="something-else")
    item = _entries(bundle)[5]
    item["signature"] = base64.b64encode(LOG_KEY.sign(base64.b64decode(item["entry"]))).decode()
    report = verify_bundle(bundle)
    assert report.index == 6
    assert report.message == "entry 6: prev hash does not match leaf hash of entry 5"


def test_fully_rewritten_history_fails_at_the_checkpoint():
    """Re-chaining and re-signing everything after an edit still fails the witnessed root."""
    log = build_log(20)
    note = cosigned(log)
    forged = MemoryLog(ORIGIN, LOG_KEY)
    for i in range(20):
        forged.append(entry(i) if i != 3 else replace(entry(i), purpose="forged"))
    bundle = forged.bundle(note, witness_vkeys=[w.vkey for w in WITNESSES], witnesses_required=2)
    report = verify_bundle(bundle)
    assert report.index is None
    assert report.message == "checkpoint: root hash does not match entries 0..19"


def test_deleted_entry_is_detected():
    """Deleting entry 7 is reported at index 7."""
    bundle = make_bundle()
    del _entries(bundle)[7]
    bundle["end"] -= 1
    report = verify_bundle(bundle)
    assert report.index == 7
    assert "entry 7: found index 8 where entry 7 was expected" in report.message


def test_deleted_and_renumbered_entry_is_detected_by_the_chain():
    """Deleting entry 7 and renumbering the rest breaks the prev chain at 7."""
    bundle = make_bundle()
    del _entries(bundle)[7]
    bundle["end"] -= 1
    for pos, item in enumerate(_entries(bundle)):
        item["index"] = pos
    report = verify_bundle(bundle)
    assert report.index == 7
    assert report.message == "entry 7: prev hash does not match leaf hash of entry 6"


def test_inserted_entry_is_detected():
    """Inserting a validly signed entry at position 4 is reported at index 4."""
    bundle = make_bundle()
    fake = replace(
        entry(99), prev=json.loads(base64.b64decode(_entries(bundle)[4]["entry"]))["prev"]
    )
    data = fake.to_bytes()
    _entries(bundle).insert(
        4,
        {
            "index": 4,
            "entry": base64.b64encode(data).decode(),
            "key": LOG_KEY.key_id,
            "signature": base64.b64encode(LOG_KEY.sign(data)).decode(),
        },
    )
    bundle["end"] += 1
    report = verify_bundle(bundle)
    assert report.index == 5
    assert report.status == "invalid"


def test_swapped_entries_are_detected():
    """Swapping entries 3 and 4 (with their indexes) is reported at index 3."""
    bundle = make_bundle()
    items = _entries(bundle)
    items[3], items[4] = items[4], items[3]
    report = verify_bundle(bundle)
    assert report.index == 3
    items[3]["index"], items[4]["index"] = 3, 4
    report = verify_bundle(bundle)
    assert report.index == 3
    assert report.message == "entry 3: prev hash does not match leaf hash of entry 2"


def test_replaced_signature_is_detected():
    """Entry 11 carrying entry 10's signature fails at 11."""
    bundle = make_bundle()
    _entries(bundle)[11]["signature"] = _entries(bundle)[10]["signature"]
    report = verify_bundle(bundle)
    assert report.index == 11
    assert report.message == "entry 11: log signature does not verify"


def test_rolled_back_checkpoint_is_detected():
    """A bundle whose checkpoint is older than its entries is refused."""
    log = build_log(20)
    bundle = log.bundle(cosigned(log), 0, 20)
    bundle["checkpoint"] = cosigned(log, 15)
    report = verify_bundle(bundle)
    assert "tree size 15 is smaller than the bundle's end 20" in report.message


def test_checkpoint_consistency_detects_rollback_and_fork():
    """verify_checkpoint_consistency accepts growth and refuses rollback or forks."""
    log = build_log(20)
    old, new = log.signed_checkpoint(12), log.signed_checkpoint(20)
    verify_checkpoint_consistency(old, new, log.consistency_proof(12, 20), log.vkeys())
    with pytest.raises(ConsistencyError, match="rolled back"):
        verify_checkpoint_consistency(new, old, [], log.vkeys())
    fork = MemoryLog(ORIGIN, LOG_KEY)
    for i in range(20):
        fork.append(entry(i) if i != 2 else replace(entry(i), purpose="forged"))
    with pytest.raises(ConsistencyError, match="fork"):
        verify_checkpoint_consistency(
            old, fork.signed_checkpoint(20), fork.consistency_proof(12, 20), log.vkeys()
        )


def test_missing_cosignatures_and_forged_checkpoint():
    """Too few cosignatures, an unknown log key, or a tampered root are findings."""
    log = build_log(8)
    bundle = log.bundle(
        cosigned(log, witnesses=WITNESSES[:1]),
        witness_vkeys=[w.vkey for w in WITNESSES],
        witnesses_required=2,
    )
    assert (
        verify_bundle(bundle).message
        == "checkpoint: 1 of the 2 required witness cosignatures verify"
    )
    assert verify_bundle(make_bundle(), min_witnesses=4).status == "invalid"
    bundle = make_bundle()
    bundle["checkpoint"] = bundle["checkpoint"].replace(ORIGIN + "\n20", ORIGIN + "\n21")
    assert verify_bundle(bundle).message.startswith("checkpoint: invalid signature")
    stranger = generate(ORIGIN)
    report = verify_bundle(make_bundle(), keys=[stranger.vkey])
    assert report.status == "invalid" and report.index == 0


def test_pinned_keys_override_bundle_keys():
    """With --key pins, a bundle re-signed by an attacker's key is rejected."""
    good = make_bundle()
    pins = [LOG_KEY.vkey, *(w.vkey for w in WITNESSES)]
    assert verify_bundle(good, keys=pins).ok


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json",
        b"[]",
        b'{"format":"other"}',
        b"\xff\xfe",
        json.dumps({"format": "ledger-bundle/v1"}).encode(),
    ],
)
def test_unreadable_bundles_are_malformed(data):
    """Garbage yields status malformed (exit code 2) without raising."""
    report = verify_bundle(data)
    assert report.status == "malformed" and report.exit_code == 2


def test_parallel_signature_check_finds_the_first_bad_index():
    """The process-pool path reports the lowest failing index, like the in-process path."""
    bundle = make_bundle(n=40)
    _entries(bundle)[33]["signature"] = _entries(bundle)[32]["signature"]
    _entries(bundle)[21]["signature"] = _entries(bundle)[20]["signature"]
    report = verify_bundle(bundle, parallel_threshold=1, workers=2)
    assert report.index == 21
    assert verify_bundle(make_bundle(n=40), parallel_threshold=1, workers=2).ok


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fuzzed_bundles_never_raise(data):
    """Random garbage and random mutations give a clean report, never an exception."""
    base = bundle_to_json(FUZZ_BASE)
    choice = data.draw(st.integers(0, 2))
    if choice == 0:
        blob = data.draw(st.binary(max_size=300))
    elif choice == 1:
        blob = bytearray(base)
        for _ in range(data.draw(st.integers(1, 8))):
            pos = data.draw(st.integers(0, len(blob) - 1))
            blob[pos] = data.draw(st.integers(0, 255))
        blob = bytes(blob)
    else:
        obj = json.loads(base)
        key = data.draw(st.sampled_from(sorted(obj)))
        obj[key] = data.draw(
            st.one_of(
                st.none(),
                st.integers(-5, 10**20),
                st.text(max_size=20),
                st.lists(st.integers(), max_size=3),
                st.booleans(),
            )
        )
        blob = json.dumps(obj).encode()
    report = verify_bundle(blob)
    assert report.status in ("valid", "invalid", "malformed")
    assert isinstance(report.message, str) and report.message


FUZZ_BASE = make_bundle(n=6)


def test_cli_exit_codes(tmp_path):
    """python -m ledger.verify exits 0/1/2 with a one-line message and no traceback."""
    good = tmp_path / "good.json"
    good.write_bytes(bundle_to_json(make_bundle()))
    bad_bundle = make_bundle()
    _entries(bad_bundle)[17]["signature"] = _entries(bad_bundle)[16]["signature"]
    bad = tmp_path / "bad.json"
    bad.write_bytes(bundle_to_json(bad_bundle))
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"{nope")

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "ledger.verify", *args],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=60,
        )

    ok = run(str(good))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("valid: 20 entries 0..19")
    res = run(str(bad))
    assert res.returncode == 1
    assert "entry 17: log signature does not verify" in res.stdout
    res = run(str(junk))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    res = run(str(tmp_path / "missing.json"))
    assert res.returncode == 2 and "Traceback" not in res.stderr


def test_core_imports_no_django():
    """ledger.core, the verifier and the witness import without Django."""
    code = (
        "import ledger.core, ledger.core.verify, ledger.core.memlog, ledger.witness.server, "
        "ledger.verify, ledger.core.vrf, ledger.core.label, ledger.core.commitment, "
        "ledger.core.entry_v2, ledger.core.prefix_tree, ledger.core.index_log, "
        "ledger.core.completeness, ledger.witness.__main__; import sys; "
        "assert not any(m.startswith('django') for m in sys.modules), 'django imported'; "
        "assert not any(m.startswith('portal') for m in sys.modules), 'portal imported'"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert res.returncode == 0, res.stderr
