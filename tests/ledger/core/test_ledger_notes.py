"""Named keys, C2SP signed notes, checkpoints and cosignatures."""

from __future__ import annotations

import base64

import pytest

from ledger.core.checkpoint import (
    Checkpoint,
    CheckpointError,
    CosignatureVerifier,
    cosign,
    cosignature_message,
    open_checkpoint,
    sign_checkpoint,
    verify_cosignature,
)
from ledger.core.notes import (
    NoteError,
    UnverifiedNoteError,
    open_note,
    parse_note,
    sign_note,
)
from ledger.core.signing import (
    ALG_COSIGNATURE_V1,
    KeyFormatError,
    generate,
    load_signing_key,
    parse_skey,
    parse_vkey,
)

# golang.org/x/mod/sumdb/note package documentation example.
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIG = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqd"
    "ngotpRZb6KE6RyyBwJnAM=\n"
)


def test_go_note_key_vector():
    """The skey and vkey of Go's note example parse, match and re-encode byte for byte."""
    skey = parse_skey(GO_SKEY)
    vkey = parse_vkey(GO_VKEY)
    assert skey.vkey == GO_VKEY
    assert skey.skey == GO_SKEY
    assert vkey.vkey == GO_VKEY
    assert vkey.key_hash == 0xC74F20A3
    assert vkey.key_id == "PeterNeumann+c74f20a3"


def test_go_note_signature_vector():
    """Signing Go's example text with its key gives exactly Go's signed note; it opens."""
    note = sign_note(GO_TEXT, [parse_skey(GO_SKEY)])
    assert note == GO_TEXT + "\n" + GO_SIG
    opened = open_note(note, [parse_vkey(GO_VKEY)])
    assert opened.text == GO_TEXT
    assert [s.name for s in opened.signatures] == ["PeterNeumann"]
    assert opened.signatures[0].line == GO_SIG


def test_unknown_signatures_are_kept_but_not_trusted():
    """A co-signature by an unknown key is returned as unverified; a note with only that fails."""
    other = generate("EnochRoot")
    note = sign_note(GO_TEXT, [parse_skey(GO_SKEY), other])
    opened = open_note(note, [parse_vkey(GO_VKEY)])
    assert [s.name for s in opened.unverified] == ["EnochRoot"]
    with pytest.raises(UnverifiedNoteError):
        open_note(note, [other.verifier.__class__("Nobody", other.verifier.public)])
    with pytest.raises(UnverifiedNoteError):
        open_note(GO_TEXT + "\n" + GO_SIG, [])


def test_bad_signature_by_known_key_rejects_note():
    """A known key's signature that fails makes the whole note invalid."""
    tampered = GO_TEXT.replace("answer", "ANSWER") + "\n" + GO_SIG
    with pytest.raises(NoteError, match="invalid signature"):
        open_note(tampered, [parse_vkey(GO_VKEY)])


@pytest.mark.parametrize(
    "note",
    [
        GO_TEXT + GO_SIG,  # no blank line
        GO_TEXT + "\n" + GO_SIG[:-1],  # no final newline
        GO_TEXT + "\n" + "- PeterNeumann AAAA\n",  # hyphen, not em dash
        GO_TEXT + "\n" + "\u2014 PeterNeumann !!!!\n",  # bad base64
        GO_TEXT + "\n" + "\u2014 PeterNeumann AAAA\n",  # too short
        GO_TEXT + "\n" + "\u2014 Peter+Neumann " + GO_SIG.split(" ")[2],
        "text\twith tab\n\n" + GO_SIG,
        GO_TEXT + "\n",
        "",
    ],
)
def test_malformed_notes_are_refused(note):
    """Syntax violations of C2SP signed-note raise NoteError."""
    with pytest.raises(NoteError):
        open_note(note, [parse_vkey(GO_VKEY)])


def test_too_many_signatures_refused():
    """More than 100 signature lines is refused."""
    with pytest.raises(NoteError):
        parse_note(GO_TEXT + "\n" + GO_SIG * 101)


@pytest.mark.parametrize(
    "vkey",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+AhpC2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+zz4f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2Qc",
    ],
)
def test_bad_vkeys_refused(vkey):
    """Wrong key hash, algorithm, length or name is refused."""
    with pytest.raises(KeyFormatError):
        parse_vkey(vkey)


def test_key_loading_from_file_and_env(tmp_path, monkeypatch):
    """Private keys load from a file or environment variable; errors never echo the key."""
    path = tmp_path / "log.key"
    path.write_text(GO_SKEY + "\n")
    assert load_signing_key(path=path).vkey == GO_VKEY
    monkeypatch.setenv("LEDGER_KEY", GO_SKEY)
    assert load_signing_key(env="LEDGER_KEY").vkey == GO_VKEY
    monkeypatch.setenv("LEDGER_KEY", GO_SKEY[:-4] + "AAAA")
    with pytest.raises(KeyFormatError) as err:
        load_signing_key(env="LEDGER_KEY")
    assert "AYEKFAL" not in str(err.value)
    assert "AYEKFAL" not in repr(parse_skey(GO_SKEY))


def test_checkpoint_text_round_trip_and_strict_parse():
    """Checkpoint bodies format and parse exactly per C2SP tlog-checkpoint."""
    text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    cp = Checkpoint.from_text(text)
    assert cp.origin == "example.com/behind-the-sofa"
    assert cp.size == 20852163
    assert cp.to_text() == text
    assert Checkpoint.from_text(text + "ext line\n").extensions == ("ext line",)
    for bad in (
        text[:-1],
        "o\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2\n",
        "\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "o\n1\n",
        text + "\n",
    ):
        with pytest.raises(CheckpointError):
            Checkpoint.from_text(bad)


def test_cosignature_format_and_verification():
    """A witness cosignature: key ID type 0x04, timestamp || sig over cosignature/v1 message."""
    log = generate("example.com/log")
    witness = generate("witness.example/w1", ALG_COSIGNATURE_V1)
    assert base64.b64decode(witness.vkey.split("+", 2)[2])[0] == 0x04
    cp = Checkpoint("example.com/log", 5, b"\x11" * 32)
    note = sign_checkpoint(cp, log)
    line = cosign(cp.to_text(), witness, timestamp=1679315147)
    raw = base64.b64decode(line.split(" ")[2])
    assert raw[:4] == witness.key_hash.to_bytes(4, "big")
    assert raw[4:12] == (1679315147).to_bytes(8, "big")
    msg = cosignature_message(cp.to_text(), 1679315147)
    assert msg == b"cosignature/v1\ntime 1679315147\n" + cp.to_text().encode()
    assert witness.verifier.verify(msg, raw[12:])
    assert verify_cosignature(cp.to_text(), line, parse_vkey(witness.vkey)) == 1679315147

    cosigned = note + line
    opened = open_checkpoint(cosigned, [log.verifier], [parse_vkey(witness.vkey)])
    assert opened.checkpoint == cp
    assert [s.name for s in opened.cosignatures] == ["witness.example/w1"]
    # A cosignature on a different checkpoint does not verify.
    other = Checkpoint("example.com/log", 6, b"\x11" * 32)
    with pytest.raises(CheckpointError):
        verify_cosignature(other.to_text(), line, witness.verifier)
    # The same key used as a plain Ed25519 note key has a different key ID.
    plain = generate("witness.example/w1")
    assert CosignatureVerifier(witness.verifier).key_hash != plain.key_hash
    # Without the log key the checkpoint is refused.
    with pytest.raises(CheckpointError):
        open_checkpoint(cosigned, [], [witness.verifier])
