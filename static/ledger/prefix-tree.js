// The label index's proofs (docs/ledger-formats.md §8): a binary Merkle prefix tree over the
// 256-bit labels, after draft-ietf-keytrans-protocol's prefix tree. The Python side is
// ledger/core/prefix_tree.py; `rootFromProof` follows its `root_from_proof` step for step:
// the root is recomputed top-down over the sorted keys, every element must be used, and a
// member's result must be an inclusion, an absent key's a non-inclusion.

import { VerificationError, bytesEqual, bytesToHex, concatBytes, sha256, utf8 } from "./bytes.js";

const TAG = concatBytes(utf8("access-ledger/index/v1"), Uint8Array.of(0));
const INCLUSION = 1;
const NON_INCLUSION_LEAF = 2;
const NON_INCLUSION_EMPTY = 3;
const BITS = 256;

const fail = (message) => new VerificationError("index_proof", message);

/** SHA-256(TAG || 0x02): the empty subtree (and the empty index's root). */
export function emptyHash() {
  return sha256(TAG, Uint8Array.of(2));
}

function u64(value) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value), false);
  return out;
}

/** SHA-256(TAG || 0x00 || key || uint64 entry index || entry leaf hash). */
export function leafNodeHash(key, index, entryLeafHash) {
  return sha256(TAG, Uint8Array.of(0), key, u64(index), entryLeafHash);
}

/** SHA-256(TAG || 0x01 || left || right). */
export function parentHash(left, right) {
  return sha256(TAG, Uint8Array.of(1), left, right);
}

const bit = (key, depth) => (key[depth >> 3] >> (7 - (depth & 7))) & 1;

function compareKeys(a, b) {
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function sharesPrefix(a, b, depth) {
  for (let d = 0; d < depth; d += 1) if (bit(a, d) !== bit(b, d)) return false;
  return true;
}

function parse(proof) {
  if (!(proof instanceof Uint8Array) || proof.length < 9 || proof[0] !== 1) {
    throw fail("not a label index proof (format 1)");
  }
  const view = new DataView(proof.buffer, proof.byteOffset, proof.byteLength);
  const count = view.getUint32(1, false);
  let pos = 5;
  const results = [];
  for (let i = 0; i < count; i += 1) {
    if (pos + 3 > proof.length) throw fail("proof ends inside a result");
    const kind = proof[pos];
    const depth = view.getUint16(pos + 1, false);
    pos += 3;
    if (![INCLUSION, NON_INCLUSION_LEAF, NON_INCLUSION_EMPTY].includes(kind)) {
      throw fail(`unknown result type ${kind}`);
    }
    if (depth > BITS) throw fail(`result depth ${depth} is beyond ${BITS}`);
    if (kind === NON_INCLUSION_LEAF) {
      if (pos + 72 > proof.length) throw fail("proof ends inside a leaf");
      results.push({
        kind,
        depth,
        key: proof.subarray(pos, pos + 32),
        index: view.getBigUint64(pos + 32, false),
        leafHash: proof.subarray(pos + 40, pos + 72),
      });
      pos += 72;
    } else {
      results.push({ kind, depth });
    }
  }
  if (pos + 4 > proof.length) throw fail("proof ends before its element count");
  const elementCount = view.getUint32(pos, false);
  pos += 4;
  if (proof.length - pos !== elementCount * 32) {
    throw fail(`proof must end with exactly ${elementCount} 32-byte elements`);
  }
  const elements = [];
  for (let p = pos; p < proof.length; p += 32) elements.push(proof.subarray(p, p + 32));
  return { results, elements };
}

/**
 * The root `proof` proves the claims against: `members` (Map of label hex → {index, leafHash})
 * present with those values, `absent` (label hex strings) not in the index. Throws a
 * VerificationError "index_proof" if the proof is malformed or contradicts a claim.
 */
export async function rootFromProof(members, absent, proof) {
  const claims = new Map();
  for (const [label, value] of members) claims.set(label, value);
  for (const label of absent) {
    if (claims.has(label)) throw fail(`label ${label} is claimed both present and absent`);
    claims.set(label, null);
  }
  if (claims.size === 0) throw fail("a proof needs at least one key");
  const keys = [...claims.keys()].map((hex) => {
    if (!/^[0-9a-f]{64}$/.test(hex)) throw fail("a label is not 64 lowercase hex characters");
    const bytes = new Uint8Array(32);
    for (let i = 0; i < 32; i += 1) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    return { hex, bytes, claim: claims.get(hex) };
  });
  keys.sort((a, b) => compareKeys(a.bytes, b.bytes));
  const { results, elements } = parse(proof);
  if (results.length !== keys.length) {
    throw fail(`proof has ${results.length} results for ${keys.length} keys`);
  }
  const empty = await emptyHash();
  let next = 0;

  async function terminal(i, depth) {
    const { hex, bytes, claim } = keys[i];
    const result = results[i];
    if (result.kind === INCLUSION) {
      if (claim === null) throw fail(`label ${hex} is in the index, not absent`);
      return leafNodeHash(bytes, claim.index, claim.leafHash);
    }
    if (claim !== null) throw fail(`label ${hex} is not in the index`);
    if (result.kind === NON_INCLUSION_EMPTY) return empty;
    if (bytesEqual(result.key, bytes) || !sharesPrefix(result.key, bytes, depth)) {
      throw fail(`the leaf ending label ${hex}'s search is not on its path`);
    }
    return leafNodeHash(result.key, result.index, result.leafHash);
  }

  async function walk(lo, hi, depth) {
    const ending = [];
    for (let i = lo; i < hi; i += 1) if (results[i].depth === depth) ending.push(i);
    if (ending.length > 0) {
      if (ending.length !== hi - lo) {
        throw fail(`keys sharing a path end at different depths (${depth})`);
      }
      const hashes = await Promise.all(ending.map((i) => terminal(i, depth)));
      const first = bytesToHex(hashes[0]);
      if (hashes.some((h) => bytesToHex(h) !== first)) {
        throw fail(`keys ending at one node disagree on it (depth ${depth})`);
      }
      return hashes[0];
    }
    if (depth >= BITS) throw fail("a search goes below the last bit");
    let mid = lo;
    while (mid < hi && bit(keys[mid].bytes, depth) === 0) mid += 1;
    const sides = [];
    for (const [a, b] of [
      [lo, mid],
      [mid, hi],
    ]) {
      if (a < b) {
        sides.push(await walk(a, b, depth + 1));
      } else {
        if (next >= elements.length) throw fail("proof has too few elements");
        sides.push(elements[next]);
        next += 1;
      }
    }
    return parentHash(sides[0], sides[1]);
  }

  const root = await walk(0, keys.length, 0);
  if (next !== elements.length) throw fail("proof has unused elements");
  return root;
}
