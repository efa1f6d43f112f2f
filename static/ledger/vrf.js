// ECVRF-EDWARDS25519-SHA512-TAI verification (RFC 9381 §5.3, suite_string 0x03) and the
// access ledger's label rule (ledger version 2: label = first 32 bytes of the VRF output beta).
//
// Verification only: the browser never holds a VRF secret key. Functions throw a
// VerificationError (bytes.js) whose `code` names the failed check and whose message says what
// failed, so a page can show the reason in the person's language.

import {
  VerificationError,
  bytesToHex,
  concatBytes,
  hexToBytes,
  sha512,
  utf8,
} from "./bytes.js";
import {
  BASE,
  L,
  Point,
  bytesToIntLE,
  encodePoints,
  multiScalarMultiply,
} from "./ed25519-point.js";

/** RFC 9381 §5.5: suite_string of ECVRF-EDWARDS25519-SHA512-TAI. */
const SUITE = Uint8Array.of(0x03);
/** cLen (RFC 9381 §5.5): challenge length in bytes. */
const C_LEN = 16;
/** ptLen and qLen (RFC 9381 §5.5). */
const PT_LEN = 32;
const Q_LEN = 32;
/** Proof length ptLen + cLen + qLen = 80 bytes (RFC 9381 §5.4.4). */
export const PROOF_LENGTH = PT_LEN + C_LEN + Q_LEN;

const ZERO = Uint8Array.of(0x00);
const ENCODE_TO_CURVE_FRONT = Uint8Array.of(0x01);
const CHALLENGE_FRONT = Uint8Array.of(0x02);
const PROOF_TO_HASH_FRONT = Uint8Array.of(0x03);

/**
 * ECVRF_encode_to_curve_try_and_increment (RFC 9381 §5.4.1.1) with encode_to_curve_salt =
 * PK_string (RFC 9381 §5.5). Returns H as a point of the prime-order subgroup (cofactor
 * cleared) together with its encoding.
 * @param {Uint8Array} salt the public key's 32-byte encoding
 * @param {Uint8Array} alpha VRF input
 */
export async function encodeToCurveTai(salt, alpha) {
  for (let ctr = 0; ctr < 256; ctr++) {
    // hash_string = Hash(suite_string || 0x01 || salt || alpha || int_to_string(ctr, 1) || 0x00)
    const hash = await sha512(SUITE, ENCODE_TO_CURVE_FRONT, salt, alpha, Uint8Array.of(ctr), ZERO);
    // interpret_hash_value_as_a_point: string_to_point of the first 32 bytes (RFC 9381 §5.5).
    let candidate;
    try {
      candidate = Point.fromBytes(hash.subarray(0, 32), "hash candidate");
    } catch (err) {
      if (err instanceof VerificationError) continue;
      throw err;
    }
    return candidate.clearCofactor();
  }
  // Probability about 2^-256; RFC 9381 §5.4.1.1 says the loop is then abandoned.
  throw new VerificationError("vrf_encode_to_curve", "encode_to_curve found no point in 256 tries");
}

/**
 * ECVRF_challenge_generation (RFC 9381 §5.4.3): c = string_to_int of the first cLen bytes of
 * Hash(suite_string || 0x02 || P1 || ... || P5 || 0x00), here with the five points' encodings.
 * @param {Uint8Array[]} encodedPoints encodings of Y, H, Gamma, U, V in this order
 */
export async function challengeGeneration(encodedPoints) {
  const hash = await sha512(SUITE, CHALLENGE_FRONT, ...encodedPoints, ZERO);
  return bytesToIntLE(hash.subarray(0, C_LEN));
}

/**
 * ECVRF_decode_proof (RFC 9381 §5.4.4): Gamma, c, s from the 80-byte proof; Gamma must decode
 * (RFC 8032 §5.1.3) and s must be below q.
 * @param {Uint8Array} pi
 */
function decodeProof(pi) {
  if (!(pi instanceof Uint8Array) || pi.length !== PROOF_LENGTH) {
    throw new VerificationError(
      "vrf_proof_length",
      `VRF proof is ${pi?.length ?? 0} bytes, not ${PROOF_LENGTH}`,
    );
  }
  const gammaBytes = pi.subarray(0, PT_LEN);
  let gamma;
  try {
    gamma = Point.fromBytes(gammaBytes, "VRF proof point Gamma");
  } catch (err) {
    if (err instanceof VerificationError) {
      throw new VerificationError("vrf_proof_gamma", `VRF proof is invalid: ${err.message}`);
    }
    throw err;
  }
  const c = bytesToIntLE(pi.subarray(PT_LEN, PT_LEN + C_LEN));
  const s = bytesToIntLE(pi.subarray(PT_LEN + C_LEN));
  if (s >= L) {
    throw new VerificationError(
      "vrf_proof_scalar",
      "VRF proof is invalid: scalar s is not below q",
    );
  }
  return { gamma, gammaBytes, c, s };
}

/**
 * ECVRF_proof_to_hash (RFC 9381 §5.2): beta = Hash(suite_string || 0x03 ||
 * point_to_string(cofactor * Gamma) || 0x00). Only meaningful for a proof that verified.
 * @param {Uint8Array} pi 80-byte proof
 * @returns {Promise<Uint8Array>} 64-byte beta
 */
export async function proofToHash(pi) {
  const { gamma } = decodeProof(pi);
  return sha512(SUITE, PROOF_TO_HASH_FRONT, gamma.clearCofactor().toBytes(), ZERO);
}

/**
 * ECVRF_verify (RFC 9381 §5.3) with validate_key = TRUE. Returns beta (64 bytes) when the
 * proof is valid; throws a VerificationError naming the failed check otherwise.
 * @param {Uint8Array} publicKey PK_string, 32 bytes
 * @param {Uint8Array} pi proof, 80 bytes
 * @param {Uint8Array} alpha VRF input
 * @returns {Promise<Uint8Array>}
 */
export async function verify(publicKey, pi, alpha) {
  // Steps 1-2: Y = string_to_point(PK_string), refused if it does not decode.
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PT_LEN) {
    throw new VerificationError("vrf_public_key", "VRF public key is not 32 bytes");
  }
  let y;
  try {
    y = Point.fromBytes(publicKey, "VRF public key");
  } catch (err) {
    if (err instanceof VerificationError) {
      throw new VerificationError("vrf_public_key", err.message);
    }
    throw err;
  }
  // Step 3: ECVRF_validate_key (§5.4.5): a small-order key is refused.
  if (y.isSmallOrder()) {
    throw new VerificationError("vrf_public_key", "VRF public key has small order");
  }
  // Steps 4-6: (Gamma, c, s) = ECVRF_decode_proof(pi_string) (§5.4.4).
  const { gamma, gammaBytes, c, s } = decodeProof(pi);
  // Step 7: H = ECVRF_encode_to_curve(encode_to_curve_salt = PK_string, alpha) (§5.4.1.1).
  const h = await encodeToCurveTai(publicKey, alpha);
  // Steps 8-9: U = s*B - c*Y, V = s*H - c*Gamma (one chain of doublings for each).
  const u = multiScalarMultiply([
    [s, BASE],
    [c, y.negate()],
  ]);
  const v = multiScalarMultiply([
    [s, h],
    [c, gamma.negate()],
  ]);
  // Step 10: c' = ECVRF_challenge_generation(Y, H, Gamma, U, V) (§5.4.3). Y and Gamma were
  // decoded from canonical encodings (RFC 8032 §5.1.3 refuses the others), so their bytes are
  // reused; H, U, V and cofactor*Gamma (for beta) are encoded with one shared inversion.
  const [hBytes, uBytes, vBytes, gamma8Bytes] = encodePoints([h, u, v, gamma.clearCofactor()]);
  const expected = await challengeGeneration([publicKey, hBytes, gammaBytes, uBytes, vBytes]);
  // Step 11: valid iff c = c'.
  if (c !== expected) {
    throw new VerificationError(
      "vrf_proof_mismatch",
      "VRF proof does not verify for this public key and input",
    );
  }
  // Output beta = ECVRF_proof_to_hash(pi) (§5.2), from the cofactor*Gamma already computed.
  return sha512(SUITE, PROOF_TO_HASH_FRONT, gamma8Bytes, ZERO);
}

// --- Access-ledger labels (ledger format v2) ----------------------------------------------

const LABEL_DOMAIN = utf8("access-ledger/label/v2\u0000");
/** Label namespaces: ordinary reads and sealed reads. */
export const NAMESPACES = Object.freeze(["person", "sealed"]);

/**
 * VRF input of a label: "access-ledger/label/v2" 0x00 || namespace || 0x00 || identifier ||
 * 0x00 || counter as 8 bytes big-endian (strings UTF-8).
 * @param {string} namespace "person" or "sealed"
 * @param {string} identifier the subject's identifier
 * @param {number|bigint} counter per-subject counter, 0 <= counter < 2^64
 */
export function labelAlpha(namespace, identifier, counter) {
  if (!NAMESPACES.includes(namespace)) {
    throw new VerificationError(
      "label_namespace",
      `label namespace must be one of ${NAMESPACES.join(", ")}`,
    );
  }
  let n;
  if (typeof counter === "bigint") {
    n = counter;
  } else if (Number.isSafeInteger(counter)) {
    n = BigInt(counter);
  } else {
    throw new VerificationError("label_counter", "label counter must be an integer");
  }
  if (n < 0n || n >= 2n ** 64n) {
    throw new VerificationError("label_counter", "label counter must be in [0, 2^64)");
  }
  const counterBytes = new Uint8Array(8);
  new DataView(counterBytes.buffer).setBigUint64(0, n, false);
  return concatBytes(
    LABEL_DOMAIN,
    utf8(namespace, "label namespace"),
    ZERO,
    utf8(identifier, "subject identifier"),
    ZERO,
    counterBytes,
  );
}

/**
 * label = the first 32 bytes of beta as 64 lowercase hex characters.
 * @param {Uint8Array} beta 64-byte VRF output
 */
export function labelFromBeta(beta) {
  if (!(beta instanceof Uint8Array) || beta.length !== 64) {
    throw new VerificationError("vrf_beta", "VRF output is not 64 bytes");
  }
  return bytesToHex(beta.subarray(0, 32));
}

/**
 * Verify the VRF proof of a label and return the label it proves. When `label` is given, it
 * must equal the proven label (the value the public log entry carries).
 * @param {object} args
 * @param {Uint8Array|string} args.publicKey VRF public key (bytes or hex)
 * @param {Uint8Array|string} args.proof VRF proof pi (bytes or hex)
 * @param {string} args.namespace "person" or "sealed"
 * @param {string} args.identifier the subject's identifier
 * @param {number|bigint} args.counter per-subject counter
 * @param {string} [args.label] expected label (64 lowercase hex)
 * @returns {Promise<string>} the proven label
 */
export async function verifyLabel({ publicKey, proof, namespace, identifier, counter, label }) {
  const pk = typeof publicKey === "string" ? hexToBytes(publicKey, "VRF public key") : publicKey;
  const pi = typeof proof === "string" ? hexToBytes(proof, "VRF proof") : proof;
  const alpha = labelAlpha(namespace, identifier, counter);
  const proven = labelFromBeta(await verify(pk, pi, alpha));
  if (label !== undefined && label !== proven) {
    throw new VerificationError(
      "label_mismatch",
      "the entry's label is not the one the VRF proof gives for this person and counter",
    );
  }
  return proven;
}
