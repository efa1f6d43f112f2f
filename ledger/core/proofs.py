"""Merkle inclusion, consistency and range proofs over stored hashes.

Prove/check pairs, as in Go's ``golang.org/x/mod/sumdb/tlog``:

* :func:`prove_inclusion` / :func:`verify_inclusion` - the Merkle audit path of RFC 6962
  section 2.1.1 (RFC 9162 section 2.1.3);
* :func:`prove_consistency` / :func:`verify_consistency` - the Merkle consistency proof of
  RFC 6962 section 2.1.2 (RFC 9162 section 2.1.4);
* :func:`prove_range` / :func:`verify_range` - the hashes of the subtrees of the RFC 6962 tree
  that lie outside a contiguous range of leaves, so that a verifier holding those leaves can
  recompute the root (used by export bundles for partial ranges; see docs/ledger-formats.md).

Provers read O(log n) stored hashes through a :class:`~ledger.core.merkle.HashReader`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.core.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    HashReader,
    _maxpow2,
    _read,
    node_hash,
    root_from_leaf_hashes,
    subtree_hash,
    subtree_indexes,
)

__all__ = [
    "ProofError",
    "prove_consistency",
    "prove_inclusion",
    "prove_range",
    "root_from_inclusion",
    "root_from_range",
    "verify_consistency",
    "verify_inclusion",
    "verify_range",
]


class ProofError(ValueError):
    """A proof does not verify, or its parameters are invalid."""


def _check_hashes(proof: Sequence[bytes], what: str) -> None:
    for h in proof:
        if not isinstance(h, bytes) or len(h) != HASH_SIZE:
            raise ProofError(f"{what}: every proof hash must be {HASH_SIZE} bytes")


# --- inclusion (RFC 6962 section 2.1.1) -------------------------------------------------------


def _leaf_proof_index(lo: int, hi: int, n: int, need: list[int]) -> list[int]:
    """Stored indexes needed for the audit path of leaf n in [lo, hi) (tlog.leafProofIndex)."""
    if lo + 1 == hi:
        return need
    k, _ = _maxpow2(hi - lo)
    if n < lo + k:
        _leaf_proof_index(lo, lo + k, n, need)
        subtree_indexes(lo + k, hi, need)
    else:
        subtree_indexes(lo, lo + k, need)
        _leaf_proof_index(lo + k, hi, n, need)
    return need


def _leaf_proof(lo: int, hi: int, n: int, hashes: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    """Build PATH(n, D[lo:hi]) from read hashes (RFC 6962 section 2.1.1, tlog.leafProof)."""
    if lo + 1 == hi:
        return [], hashes
    k, _ = _maxpow2(hi - lo)
    if n < lo + k:
        p, hashes = _leaf_proof(lo, lo + k, n, hashes)
        th, hashes = subtree_hash(lo + k, hi, hashes)
    else:
        th, hashes = subtree_hash(lo, lo + k, hashes)
        p, hashes = _leaf_proof(lo + k, hi, n, hashes)
    p.append(th)
    return p, hashes


def prove_inclusion(index: int, tree_size: int, reader: HashReader) -> list[bytes]:
    """Audit path proving leaf ``index`` is in the tree of ``tree_size`` leaves.

    RFC 6962 section 2.1.1 (RFC 9162 section 2.1.3.1); ``tlog.ProveRecord``.  Hashes are ordered
    from the leaf's sibling up to the root's child.
    """
    if tree_size < 0 or index < 0 or index >= tree_size:
        raise ProofError(f"cannot prove inclusion of leaf {index} in a tree of size {tree_size}")
    indexes = _leaf_proof_index(0, tree_size, index, [])
    hashes = _read(reader, indexes)
    proof, rest = _leaf_proof(0, tree_size, index, hashes)
    if rest:
        raise ProofError("bad index math in prove_inclusion")
    return proof


def _run_leaf_proof(p: Sequence[bytes], lo: int, hi: int, n: int, leaf: bytes) -> bytes:
    """Root implied by proof ``p`` for leaf ``n`` of [lo, hi) (tlog.runRecordProof)."""
    if lo + 1 == hi:
        if p:
            raise ProofError("inclusion proof has unnecessary hashes")
        return leaf
    if not p:
        raise ProofError("inclusion proof is too short")
    k, _ = _maxpow2(hi - lo)
    if n < lo + k:
        return node_hash(_run_leaf_proof(p[:-1], lo, lo + k, n, leaf), p[-1])
    return node_hash(p[-1], _run_leaf_proof(p[:-1], lo + k, hi, n, leaf))


def root_from_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes]
) -> bytes:
    """Root hash implied by an audit path (RFC 9162 section 2.1.3.2 steps 1-6)."""
    if tree_size < 0 or index < 0 or index >= tree_size:
        raise ProofError(f"leaf index {index} is outside a tree of size {tree_size}")
    _check_hashes(proof, "inclusion proof")
    if len(leaf_hash) != HASH_SIZE:
        raise ProofError("leaf hash must be 32 bytes")
    return _run_leaf_proof(proof, 0, tree_size, index, leaf_hash)


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, root: bytes, proof: Sequence[bytes]
) -> None:
    """Check an audit path; raise :class:`ProofError` unless it proves inclusion.

    RFC 6962 section 2.1.1 / RFC 9162 section 2.1.3.2; ``tlog.CheckRecord``.
    """
    if root_from_inclusion(leaf_hash, index, tree_size, proof) != root:
        raise ProofError(
            f"inclusion proof for leaf {index} does not lead to the root of tree size {tree_size}"
        )


# --- consistency (RFC 6962 section 2.1.2) -----------------------------------------------------


def _tree_proof_index(lo: int, hi: int, n: int, need: list[int]) -> list[int]:
    """Stored indexes needed for SUBPROOF(n, D[lo:hi]) (tlog.treeProofIndex)."""
    if n == hi:
        if lo == 0:
            return need
        return subtree_indexes(lo, hi, need)
    k, _ = _maxpow2(hi - lo)
    if n <= lo + k:
        _tree_proof_index(lo, lo + k, n, need)
        subtree_indexes(lo + k, hi, need)
    else:
        subtree_indexes(lo, lo + k, need)
        _tree_proof_index(lo + k, hi, n, need)
    return need


def _tree_proof(lo: int, hi: int, n: int, hashes: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    """Build SUBPROOF(n, D[lo:hi], lo == 0) (RFC 6962 section 2.1.2, tlog.treeProof)."""
    if n == hi:
        if lo == 0:
            return [], hashes
        th, hashes = subtree_hash(lo, hi, hashes)
        return [th], hashes
    k, _ = _maxpow2(hi - lo)
    if n <= lo + k:
        p, hashes = _tree_proof(lo, lo + k, n, hashes)
        th, hashes = subtree_hash(lo + k, hi, hashes)
    else:
        th, hashes = subtree_hash(lo, lo + k, hashes)
        p, hashes = _tree_proof(lo + k, hi, n, hashes)
    p.append(th)
    return p, hashes


def prove_consistency(old_size: int, new_size: int, reader: HashReader) -> list[bytes]:
    """Consistency proof from tree size ``old_size`` to ``new_size``.

    RFC 6962 section 2.1.2 (RFC 9162 section 2.1.4.1); ``tlog.ProveTree``.  The proof is empty
    when ``old_size`` is 0 or equals ``new_size``.
    """
    if old_size < 0 or new_size < 0 or old_size > new_size:
        raise ProofError(f"cannot prove consistency from size {old_size} to size {new_size}")
    if old_size == 0:
        return []
    indexes = _tree_proof_index(0, new_size, old_size, [])
    hashes = _read(reader, indexes)
    proof, rest = _tree_proof(0, new_size, old_size, hashes)
    if rest:
        raise ProofError("bad index math in prove_consistency")
    return proof


def _run_tree_proof(
    p: Sequence[bytes], lo: int, hi: int, n: int, old: bytes
) -> tuple[bytes, bytes]:
    """Old and new subtree hashes implied by SUBPROOF p for [lo, hi) (tlog.runTreeProof)."""
    if n == hi:
        if lo == 0:
            if p:
                raise ProofError("consistency proof has unnecessary hashes")
            return old, old
        if len(p) != 1:
            raise ProofError("consistency proof has the wrong number of hashes")
        return p[0], p[0]
    if not p:
        raise ProofError("consistency proof is too short")
    k, _ = _maxpow2(hi - lo)
    if n <= lo + k:
        oh, th = _run_tree_proof(p[:-1], lo, lo + k, n, old)
        return oh, node_hash(th, p[-1])
    oh, th = _run_tree_proof(p[:-1], lo + k, hi, n, old)
    return node_hash(p[-1], oh), node_hash(p[-1], th)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree (new_size, new_root) extends (old_size, old_root).

    RFC 6962 section 2.1.2 / RFC 9162 section 2.1.4.2; ``tlog.CheckTree``.  Raises
    :class:`ProofError` on failure.  For ``old_size == 0`` the proof must be empty (every tree
    extends the empty tree); for equal sizes it must be empty and the roots equal.
    """
    if old_size < 0 or new_size < 0:
        raise ProofError("tree sizes must not be negative")
    if old_size > new_size:
        raise ProofError(
            f"new tree size {new_size} is smaller than old tree size {old_size} (rollback)"
        )
    _check_hashes(proof, "consistency proof")
    if old_size == 0:
        if proof:
            raise ProofError("consistency proof from the empty tree must be empty")
        if old_root != EMPTY_ROOT:
            raise ProofError("old root is not the empty tree hash")
        return
    old2, new2 = _run_tree_proof(proof, 0, new_size, old_size, old_root)
    if old2 != old_root:
        raise ProofError(f"consistency proof does not match the root of old tree size {old_size}")
    if new2 != new_root:
        raise ProofError(f"consistency proof does not match the root of new tree size {new_size}")


# --- range proofs -----------------------------------------------------------------------------
#
# The RFC 6962 recursion splits [lo, hi) at the largest power of two k < hi - lo.  For a known
# contiguous range of leaves [start, end) the proof lists, left to right, the hash of every
# maximal subtree of that recursion that is disjoint from the range.  Together with the range's
# leaf hashes this determines MTH(D[tree_size]).


def _range_walk(
    lo: int, hi: int, start: int, end: int, visit_outside: list[tuple[int, int]]
) -> None:
    """Collect, left to right, the maximal RFC 6962 subtrees of [lo, hi) disjoint from range."""
    if hi <= start or lo >= end:
        visit_outside.append((lo, hi))
        return
    if start <= lo and hi <= end:
        return
    k, _ = _maxpow2(hi - lo)
    _range_walk(lo, lo + k, start, end, visit_outside)
    _range_walk(lo + k, hi, start, end, visit_outside)


def _check_range(start: int, end: int, tree_size: int) -> None:
    if not 0 <= start < end <= tree_size:
        raise ProofError(f"invalid range [{start}, {end}) for tree size {tree_size}")


def prove_range(start: int, end: int, tree_size: int, reader: HashReader) -> list[bytes]:
    """Hashes of the RFC 6962 subtrees outside leaves [start, end) of a tree of ``tree_size``.

    Together with the leaf hashes of [start, end), :func:`root_from_range` recomputes the root.
    At most about 2 * log2(tree_size) hashes, read with one ``read_hashes`` call.
    """
    _check_range(start, end, tree_size)
    outside: list[tuple[int, int]] = []
    _range_walk(0, tree_size, start, end, outside)
    need: list[int] = []
    for lo, hi in outside:
        subtree_indexes(lo, hi, need)
    hashes = _read(reader, need)
    proof = []
    for lo, hi in outside:
        h, hashes = subtree_hash(lo, hi, hashes)
        proof.append(h)
    return proof


def root_from_range(
    start: int, tree_size: int, leaf_hashes: Sequence[bytes], proof: Sequence[bytes]
) -> bytes:
    """Root of a tree of ``tree_size`` leaves from the leaf hashes of [start, start + len)
    and the hashes of :func:`prove_range` (RFC 6962 section 2.1 recursion)."""
    end = start + len(leaf_hashes)
    _check_range(start, end, tree_size)
    _check_hashes(proof, "range proof")
    _check_hashes(leaf_hashes, "range leaves")
    outside: list[tuple[int, int]] = []
    _range_walk(0, tree_size, start, end, outside)
    if len(proof) != len(outside):
        raise ProofError(f"range proof must have {len(outside)} hashes, not {len(proof)}")
    known = dict(zip(outside, proof, strict=True))

    def mth(lo: int, hi: int) -> bytes:
        if (lo, hi) in known:
            return known[(lo, hi)]
        if start <= lo and hi <= end:
            return root_from_leaf_hashes(leaf_hashes[lo - start : hi - start])
        k, _ = _maxpow2(hi - lo)
        return node_hash(mth(lo, lo + k), mth(lo + k, hi))

    return mth(0, tree_size)


def verify_range(
    start: int, tree_size: int, root: bytes, leaf_hashes: Sequence[bytes], proof: Sequence[bytes]
) -> None:
    """Check that ``leaf_hashes`` are leaves [start, start + len) of the tree (tree_size, root)."""
    if root_from_range(start, tree_size, leaf_hashes, proof) != root:
        end = start + len(leaf_hashes)
        raise ProofError(
            f"leaves {start}..{end - 1} and range proof do not lead to the root of "
            f"tree size {tree_size}"
        )
