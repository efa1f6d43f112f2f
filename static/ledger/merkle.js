// RFC 6962 / RFC 9162 Merkle tree hashes and the verification of inclusion and consistency
// proofs, with SHA-256 from WebCrypto. The Python side is ledger/core/merkle.py and
// ledger/core/proofs.py (prove/verify pairs, checked against the RFC's own vectors).
//
// Tree sizes and indexes are JavaScript numbers (exact below 2^53); bit operations are done
// with arithmetic (`% 2`, halving), never with 32-bit `>>`.

import { VerificationError, bytesEqual, sha256 } from "./bytes.js";

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

/** RFC 6962 §2.1: leaf hash SHA-256(0x00 || entry bytes). */
export function leafHash(data) {
  return sha256(LEAF, data);
}

/** RFC 6962 §2.1: interior node SHA-256(0x01 || left || right). */
export function nodeHash(left, right) {
  return sha256(NODE, left, right);
}

const odd = (n) => n % 2 === 1;
const half = (n) => Math.floor(n / 2);

function powerOfTwo(n) {
  let m = n;
  while (m > 1 && !odd(m)) m = half(m);
  return m === 1;
}

function checkSizes(...values) {
  for (const v of values) {
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new VerificationError("inclusion", "a tree size or index is not a whole number");
    }
  }
}

function checkHashes(proof) {
  if (!Array.isArray(proof) || proof.some((h) => !(h instanceof Uint8Array) || h.length !== 32)) {
    throw new VerificationError("inclusion", "a proof hash is not 32 bytes");
  }
}

/**
 * RFC 9162 §2.1.3.2: verify that `leaf` (a leaf hash) is at `index` in the tree of `size`
 * leaves whose root is `root`, with the audit path `proof` (leaf's sibling first). Throws a
 * VerificationError with code "inclusion" otherwise.
 */
export async function verifyInclusion(leaf, index, size, root, proof) {
  checkSizes(index, size);
  checkHashes(proof);
  if (index >= size) {
    throw new VerificationError("inclusion", `entry ${index} is outside a tree of ${size}`);
  }
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) {
      throw new VerificationError("inclusion", "the inclusion proof is too long");
    }
    if (odd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0 || !bytesEqual(r, root)) {
    throw new VerificationError(
      "inclusion",
      `the inclusion proof of entry ${index} does not lead to the checkpoint's root`,
    );
  }
}

/**
 * RFC 9162 §2.1.4.2: verify that the tree (second, secondRoot) extends (first, firstRoot)
 * with the consistency proof `proof`. Throws a VerificationError with code "rollback" when
 * the second tree is smaller and "fork" when the proof does not hold.
 */
export async function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
  checkSizes(first, second);
  checkHashes(proof);
  if (second < first) {
    throw new VerificationError("rollback", `the log shrank from ${first} to ${second} entries`);
  }
  if (first === second) {
    if (proof.length !== 0 || !bytesEqual(firstRoot, secondRoot)) {
      throw new VerificationError("fork", `two different trees of ${first} entries`);
    }
    return;
  }
  if (first === 0) {
    if (proof.length !== 0) throw new VerificationError("fork", "proof from the empty tree");
    return;
  }
  const path = [...proof];
  // "If first is an exact power of 2, prepend first_hash to the consistency_path."
  if (powerOfTwo(first)) path.unshift(firstRoot);
  if (path.length === 0) throw new VerificationError("fork", "the consistency proof is empty");
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) throw new VerificationError("fork", "the consistency proof is too long");
    if (odd(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0 || !bytesEqual(fr, firstRoot) || !bytesEqual(sr, secondRoot)) {
    throw new VerificationError(
      "fork",
      `the log of ${second} entries does not extend the one of ${first} seen before`,
    );
  }
}
