"""Reads of the ledger: entries, proofs, checkpoints, keys, export and live verification."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from ledger.constants import ZERO_HASH_HEX, KeyKind
from ledger.core.bundle import BundleEntry, build_bundle, bundle_proof
from ledger.core.checkpoint import open_checkpoint, verify_cosignature
from ledger.core.commitment import Details, verify_opening
from ledger.core.entry import format_time, verify_entry_signature
from ledger.core.entry_v2 import EntryV2, parse_entry
from ledger.core.merkle import (
    leaf_hash,
    stored_hash_count,
    stored_hash_index,
    stored_hashes_for_leaf_hash,
    tree_hash,
)
from ledger.core.notes import parse_note, parse_signature_line
from ledger.core.proofs import prove_consistency, prove_inclusion
from ledger.core.signing import VerifierKey, parse_vkey
from ledger.core.verifier_policy import VerifierPolicy
from ledger.keys import index_signing_key
from ledger.logs import ACCESS_LOG, LogTables
from ledger.models import (
    Checkpoint,
    Cosignature,
    Entry,
    IndexCheckpoint,
    LedgerKey,
    PendingEvent,
    ReadDetails,
    TreeHash,
)
from ledger.storage import DatabaseHashReader, prefetch_hashes


class LedgerQueryError(ValueError):
    """A request for a range or proof that the log cannot answer; the message says why."""


def tree_size() -> int:
    last = Entry.objects.order_by("-index").values_list("index", flat=True).first()
    return 0 if last is None else last + 1


def entry_list(*, start: int, end: int) -> QuerySet[Entry]:
    return Entry.objects.filter(index__gte=start, index__lt=end).order_by("index")


@dataclass(frozen=True)
class InclusionProof:
    index: int
    tree_size: int
    leaf_hash: bytes
    root_hash: bytes
    hashes: list[bytes]


@dataclass(frozen=True)
class ConsistencyProof:
    first: int
    second: int
    first_root: bytes
    second_root: bytes
    hashes: list[bytes]


def inclusion_proof(*, index: int, size: int) -> InclusionProof:
    """RFC 6962 §2.1.1 audit path of leaf ``index`` in the tree of ``size`` leaves."""
    current = tree_size()
    if current == 0:
        raise LedgerQueryError("the ledger has no entries yet")
    if size < 1 or size > current:
        raise LedgerQueryError(f"tree_size must be between 1 and {current}")
    if index < 0 or index >= size:
        raise LedgerQueryError(f"index must be between 0 and tree_size - 1 ({size - 1})")
    leaf_index = stored_hash_index(0, index)
    reader = prefetch_hashes(
        lambda r: r.read_hashes([leaf_index]),
        lambda r: tree_hash(size, r),
        lambda r: prove_inclusion(index, size, r),
    )
    return InclusionProof(
        index=index,
        tree_size=size,
        leaf_hash=reader.read_hashes([leaf_index])[0],
        root_hash=tree_hash(size, reader),
        hashes=prove_inclusion(index, size, reader),
    )


def consistency_proof(*, first: int, second: int) -> ConsistencyProof:
    """RFC 6962 §2.1.2 consistency proof between two tree sizes."""
    current = tree_size()
    if current == 0:
        raise LedgerQueryError("the ledger has no entries yet")
    if second < 1 or second > current:
        raise LedgerQueryError(f"second must be between 1 and {current}")
    if first < 1 or first > second:
        raise LedgerQueryError("first must be between 1 and second")
    reader = prefetch_hashes(
        lambda r: tree_hash(first, r),
        lambda r: tree_hash(second, r),
        lambda r: prove_consistency(first, second, r),
    )
    return ConsistencyProof(
        first=first,
        second=second,
        first_root=tree_hash(first, reader),
        second_root=tree_hash(second, reader),
        hashes=prove_consistency(first, second, reader),
    )


def checkpoint_latest(*, log: LogTables = ACCESS_LOG) -> Checkpoint | None:
    latest: Checkpoint | None = (
        log.checkpoint_model._default_manager.order_by("-id")
        .prefetch_related("cosignatures")
        .first()
    )
    return latest


def checkpoint_cosigned_note(checkpoint: Checkpoint | IndexCheckpoint) -> str:
    """The checkpoint's signed note with the witnesses' cosignature lines appended."""
    lines = "".join(c.line for c in checkpoint.cosignatures.all())
    return checkpoint.note + lines


def key_list() -> list[str]:
    """Every verifier key, log keys (old ones too) first, then witness cosigner keys."""
    from ledger.models import Witness

    keys = list(LedgerKey.objects.order_by("kind", "created_at").values_list("kind", "vkey"))
    vkeys = [v for kind, v in keys if kind == KeyKind.LOG]
    vkeys += [v for kind, v in keys if kind == KeyKind.INDEX]
    vkeys += [v for kind, v in keys if kind == KeyKind.WITNESS]
    for vkey in Witness.objects.filter(is_active=True).values_list("vkey", flat=True):
        if vkey not in vkeys:
            vkeys.append(vkey)
    return vkeys


def verifier_policy(*, quorum: int | None = None) -> VerifierPolicy:
    """The browser verifier's policy from the registered keys (docs/browser-verifier.md).

    Log keys (old ones too), the active witnesses' cosigner keys, every VRF key; the quorum
    is ``LEDGER_VERIFIER_QUORUM`` (or ``quorum``), at most the number of witnesses.
    """
    from ledger.models import Witness

    keys = list(LedgerKey.objects.order_by("created_at").values_list("kind", "vkey"))
    witnesses = list(Witness.objects.filter(is_active=True).values_list("vkey", flat=True))
    wanted = settings.LEDGER_VERIFIER_QUORUM if quorum is None else quorum
    index_keys = [v for kind, v in keys if kind == KeyKind.INDEX]
    if not index_keys:  # before the first epoch: the key the index log will sign with
        index_keys = [index_signing_key().vkey]
    return VerifierPolicy.build(
        origin=str(settings.LEDGER_ORIGIN),
        index_origin=str(settings.LEDGER_INDEX_ORIGIN),
        index_log_keys=index_keys,
        log_keys=[v for kind, v in keys if kind == KeyKind.LOG],
        witness_keys=witnesses,
        vrf_keys=[v for kind, v in keys if kind == KeyKind.VRF],
        quorum=min(wanted, len(set(witnesses))),
    )


def log_verifier_keys() -> dict[str, VerifierKey]:
    keys = [
        parse_vkey(v)
        for v in LedgerKey.objects.filter(kind=KeyKind.LOG).values_list("vkey", flat=True)
    ]
    return {k.key_id: k for k in keys}


def export_bundle(*, start: int = 0, end: int | None = None) -> dict[str, object]:
    """A ``ledger-bundle/v1`` of entries [start, end) with the latest checkpoint covering them."""
    checkpoint = checkpoint_latest()
    if checkpoint is None:
        raise LedgerQueryError("no checkpoint has been published yet")
    size = checkpoint.tree_size
    end = size if end is None else end
    if not 0 <= start < end <= size:
        raise LedgerQueryError(f"the range must lie within the checkpoint's {size} entries")
    rows = list(entry_list(start=start, end=end))
    prev = ZERO_HASH_HEX
    if start > 0:
        before = Entry.objects.values_list("leaf_hash", flat=True).get(index=start - 1)
        prev = bytes(before).hex()
    witnesses = checkpoint.cosignatures.count()
    return build_bundle(
        origin=str(settings.LEDGER_ORIGIN),
        keys=key_list(),
        witnesses_required=witnesses,
        start=start,
        prev=prev,
        entries=[
            BundleEntry(
                index=r.index, data=bytes(r.data), key=r.key_id, signature=bytes(r.signature)
            )
            for r in rows
        ],
        checkpoint=checkpoint_cosigned_note(checkpoint),
        proof=bundle_proof(start, end, size, DatabaseHashReader()),
    )


@dataclass(frozen=True)
class DatabaseFinding:
    index: int | None
    problem: str

    def __str__(self) -> str:
        where = "log" if self.index is None else f"entry {self.index}"
        return f"{where}: {self.problem}"


def _iter_entries(chunk: int = 5000) -> Iterator[Entry]:
    start = 0
    while True:
        rows = list(Entry.objects.filter(index__gte=start).order_by("index")[:chunk])
        if not rows:
            return
        yield from rows
        start = rows[-1].index + 1


def _column_differing_from_bytes(row: Entry, entry: EntryV2) -> str | None:
    """The first denormalised column of ``row`` that its own (version 2) bytes contradict.

    Pages and the transparency report count from these columns, so a column rewritten
    behind the log's back is a finding like a rewritten entry.
    """
    sealed_until = None if row.sealed_until is None else row.sealed_until.isoformat()
    columns = (
        ("label", row.label, entry.label),
        ("department", row.department, entry.department),
        ("dataset", row.dataset, entry.dataset),
        ("outcome", row.outcome, entry.outcome),
        ("recorded_at", format_time(row.recorded_at), entry.time),
        ("sealed_until", sealed_until, entry.sealed_until),
        ("unseals", row.unseals, entry.unseals),
    )
    for name, stored, expected in columns:
        if stored != expected:
            return name
    return None


def ledger_verify_database() -> DatabaseFinding | None:
    """Check the live log: indexes, bytes, leaf hashes, chain, signatures, stored nodes, roots.

    Returns the first problem found (naming the index), or None when everything holds.
    """
    keys = log_verifier_keys()
    expected_index = 0
    prev = ZERO_HASH_HEX
    overlay: dict[int, bytes] = {}
    reader = DatabaseHashReader(overlay)
    stored = dict(TreeHash.objects.values_list("index", "hash"))
    for row in _iter_entries():
        data = bytes(row.data)
        if row.index != expected_index:
            return DatabaseFinding(expected_index, f"missing: the next stored index is {row.index}")
        try:
            entry = parse_entry(data)
        except ValueError as exc:
            return DatabaseFinding(row.index, f"entry bytes do not parse: {exc}")
        leaf = leaf_hash(data)
        if bytes(row.leaf_hash) != leaf:
            return DatabaseFinding(row.index, "stored leaf hash does not match the entry bytes")
        if entry.prev != prev:
            return DatabaseFinding(
                row.index, f"prev hash does not match leaf hash of entry {row.index - 1}"
            )
        key = keys.get(row.key_id)
        if key is None:
            return DatabaseFinding(row.index, f"signed by unknown key {row.key_id!r}")
        if not verify_entry_signature(data, bytes(row.signature), key):
            return DatabaseFinding(row.index, "log signature does not verify")
        # The bytes are the log's: now the columns copied from them.
        if isinstance(entry, EntryV2):
            column = _column_differing_from_bytes(row, entry)
            if column is not None:
                return DatabaseFinding(
                    row.index, f"the {column} column does not match the entry bytes"
                )
        first = stored_hash_index(0, row.index)
        for offset, value in enumerate(stored_hashes_for_leaf_hash(row.index, leaf, reader)):
            overlay[first + offset] = value
            got = stored.get(first + offset)
            if got is None or bytes(got) != value:
                return DatabaseFinding(row.index, f"stored tree node {first + offset} is wrong")
        prev = leaf.hex()
        expected_index += 1
    if len(stored) != stored_hash_count(expected_index):
        return DatabaseFinding(None, "the tree holds nodes for entries that are not stored")
    return _verify_checkpoints(expected_index, reader)


def ledger_verify_details() -> DatabaseFinding | None:
    """Check the private half of every version 2 entry against the public one.

    Each ``ReadDetails`` row has its entry (or is still pending), the same label, and a
    commitment that its details and opening open (unless the opening was deleted). The
    VRF proofs need the person's identifier, which the portal keeps nowhere: the person's
    browser checks those.
    """
    entries = dict(Entry.objects.values_list("event_id", "index"))
    pending = set(PendingEvent.objects.values_list("id", flat=True))
    last_id = 0
    while True:
        chunk = list(ReadDetails.objects.filter(pk__gt=last_id).order_by("pk")[:5000])
        if not chunk:
            return None
        last_id = chunk[-1].pk
        indexes = [entries[d.event_id] for d in chunk if d.event_id in entries]
        data = dict(Entry.objects.filter(index__in=indexes).values_list("index", "data"))
        for row in chunk:
            index = entries.get(row.event_id)
            if index is None:
                if row.event_id not in pending:
                    return DatabaseFinding(None, f"read details {row.pk} have no entry")
                continue
            entry = parse_entry(bytes(data[index]))
            if not isinstance(entry, EntryV2) or entry.label != row.label:
                return DatabaseFinding(index, "the private label differs from the entry's")
            if entry.commitment != row.commitment:
                return DatabaseFinding(index, "the private commitment differs from the entry's")
            if row.opening is not None:
                try:
                    details = Details.from_bytes(bytes(row.details))
                    opened = verify_opening(details, bytes(row.opening), row.commitment)
                except ValueError as exc:
                    return DatabaseFinding(index, f"the private details do not parse: {exc}")
                if not opened:
                    return DatabaseFinding(index, "the private details do not open the commitment")


def ledger_verify_all() -> DatabaseFinding | None:
    """The whole check of ``manage.py ledger_verify``: log, private details, then the
    deployment's own cross-checks (``settings.LEDGER_VERIFY_CHECKS``: dotted paths of
    functions returning a finding or None, e.g. the exchange's accesses against the log).
    """
    from django.utils.module_loading import import_string

    finding = ledger_verify_database() or ledger_verify_details() or ledger_verify_index()
    if finding is not None:
        return finding
    for path in settings.LEDGER_VERIFY_CHECKS:
        finding = import_string(path)()
        if finding is not None:
            return finding  # type: ignore[no-any-return]
    return None


def ledger_verify_index() -> DatabaseFinding | None:
    """The index log against the access log and the label index (docs/ledger-formats.md §9).

    Every leaf's bytes parse and equal its columns, epochs are consecutive and only grow, each
    binds the access-log root of its size and the label index's root at its version, the
    stored index-log tree is the one its leaves give, and every index-log checkpoint verifies
    with an index log key and has the root of its size. (That each index root is the tree of
    exactly the log's labels is what the witnesses audit; ``IndexAuditor`` checks it too.)
    """
    from ledger.core.index_log import IndexLeaf, IndexLeafError
    from ledger.core.prefix_tree import PrefixTree
    from ledger.index_store import DatabaseNodeStore
    from ledger.models import IndexCheckpoint, IndexLogLeaf, IndexTreeHash

    access = DatabaseHashReader()
    index_reader = DatabaseHashReader(model=IndexTreeHash)
    tree = PrefixTree(DatabaseNodeStore())
    previous = 0
    count = 0
    for row in IndexLogLeaf.objects.order_by("index").iterator(chunk_size=1000):
        where = f"index log: epoch {row.index}"
        if row.index != count:
            return DatabaseFinding(None, f"index log: epoch {count} is missing")
        count += 1
        try:
            leaf = IndexLeaf.from_bytes(bytes(row.data))
        except IndexLeafError as exc:
            return DatabaseFinding(None, f"{where}: {exc}")
        columns = (row.log_size, bytes(row.log_root), bytes(row.index_root), bytes(row.leaf_hash))
        if leaf.epoch != row.index or columns != (
            leaf.log_size, leaf.log_root, leaf.index_root, leaf.leaf_hash
        ):  # fmt: skip
            return DatabaseFinding(None, f"{where}: a column differs from the leaf's bytes")
        if leaf.log_size < previous:
            return DatabaseFinding(None, f"{where} covers fewer entries than the epoch before")
        previous = leaf.log_size
        if leaf.log_size and tree_hash(leaf.log_size, access) != leaf.log_root:
            return DatabaseFinding(None, f"{where} binds another access-log root")
        if tree.root(version=leaf.epoch) != leaf.index_root:
            return DatabaseFinding(None, f"{where}: the label index's root differs")
        if stored_hashes_for_leaf_hash(row.index, leaf.leaf_hash, index_reader) != [
            bytes(h)
            for h in IndexTreeHash.objects.filter(
                index__gte=stored_hash_index(0, row.index),
                index__lt=stored_hash_index(0, row.index + 1),
            )
            .order_by("index")
            .values_list("hash", flat=True)
        ]:
            return DatabaseFinding(None, f"{where}: a stored index-log tree node is wrong")
    keys = [
        parse_vkey(v)
        for v in LedgerKey.objects.filter(kind=KeyKind.INDEX).values_list("vkey", flat=True)
    ]
    for cp in IndexCheckpoint.objects.order_by("id"):
        if cp.tree_size > count:
            return DatabaseFinding(None, f"index checkpoint {cp.pk} covers missing epochs")
        try:
            opened = open_checkpoint(cp.note, keys)
        except ValueError as exc:
            return DatabaseFinding(None, f"index checkpoint {cp.pk} does not verify: {exc}")
        if opened.checkpoint.root_hash != tree_hash(cp.tree_size, index_reader):
            return DatabaseFinding(None, f"index checkpoint {cp.pk}: root hash does not match")
    return None


def _verify_checkpoints(size: int, reader: DatabaseHashReader) -> DatabaseFinding | None:
    keys = list(log_verifier_keys().values())
    previous = 0
    for cp in Checkpoint.objects.order_by("id"):
        if cp.tree_size < previous:
            return DatabaseFinding(
                None, f"checkpoint {cp.pk} rolls the log back from {previous} to {cp.tree_size}"
            )
        previous = cp.tree_size
        if cp.tree_size > size:
            return DatabaseFinding(None, f"checkpoint {cp.pk} covers entries that are missing")
        try:
            opened = open_checkpoint(cp.note, keys)
        except ValueError as exc:
            return DatabaseFinding(None, f"checkpoint {cp.pk} does not verify: {exc}")
        if opened.checkpoint.root_hash != tree_hash(cp.tree_size, reader):
            return DatabaseFinding(
                None, f"checkpoint {cp.pk}: root hash does not match entries 0..{cp.tree_size - 1}"
            )
    # By the key the line names (C2SP signed-note: key name and ID), not by the name the
    # operator gave the witness, which need not be its key's name.
    witness_keys = {
        (k.name, k.key_hash): k
        for k in (
            parse_vkey(v)
            for v in LedgerKey.objects.filter(kind=KeyKind.WITNESS).values_list("vkey", flat=True)
        )
    }
    for cosig in Cosignature.objects.select_related("checkpoint").order_by("id"):
        text, _sigs = parse_note(cosig.checkpoint.note)
        try:
            line = parse_signature_line(cosig.line)
            witness = witness_keys.get((line.name, line.key_hash))
            if witness is None:
                raise ValueError(f"unknown witness key {line.name}+{line.key_hash:08x}")
            verify_cosignature(text, cosig.line, witness)
        except ValueError as exc:
            return DatabaseFinding(
                None, f"cosignature on checkpoint {cosig.checkpoint_id} does not verify: {exc}"
            )
    return None
