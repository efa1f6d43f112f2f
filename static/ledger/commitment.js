// Commitments of the access ledger (format v2) and the RFC 8785 canonical JSON they hash.
//
// commitment = SHA-256("access-ledger/commitment/v2" 0x00 || opening (16 bytes) ||
//                      RFC 8785 canonical JSON (UTF-8) of the details object)
// as 64 lowercase hex characters. The Python side is ledger/core/encoding.py (canonicalize);
// both accept the same subset of JSON and refuse the rest rather than guess.

import { VerificationError, bytesToHex, hexToBytes, sha256, utf8 } from "./bytes.js";

const COMMITMENT_DOMAIN = utf8("access-ledger/commitment/v2\u0000");
/** Length of an opening in bytes. */
export const OPENING_LENGTH = 16;
const MAX_DEPTH = 64;

/**
 * A string per RFC 8785 §3.2.2.2: ECMAScript JSON.stringify's escaping (two-character escapes
 * for \b \t \n \f \r " and \\, \u00xx with lowercase hex for other controls, everything else
 * literal). JSON.stringify would escape a lone surrogate as \udxxx; such strings are not
 * I-JSON (RFC 7493 §2.1) and are refused, as in Python.
 */
function encodeString(value) {
  if (!value.isWellFormed()) {
    throw new VerificationError("canonical_json", "string contains a lone surrogate");
  }
  return JSON.stringify(value);
}

/** UTF-16 code unit order of RFC 8785 §3.2.3 (JavaScript's default string comparison). */
function compareUtf16(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function encode(value, out, depth) {
  if (depth > MAX_DEPTH) {
    throw new VerificationError("canonical_json", `value nested deeper than ${MAX_DEPTH} levels`);
  }
  if (value === null) {
    out.push("null");
  } else if (value === true || value === false) {
    out.push(value ? "true" : "false");
  } else if (typeof value === "number") {
    // RFC 8785 §3.2.2.3; only integers in the I-JSON range are allowed (no floats in ledger
    // JSON), and for them the ECMAScript number format is the plain decimal digits.
    if (!Number.isSafeInteger(value)) {
      throw new VerificationError(
        "canonical_json",
        `number ${value} is not an integer within ±(2^53 - 1)`,
      );
    }
    out.push(Object.is(value, -0) ? "0" : String(value));
  } else if (typeof value === "string") {
    out.push(encodeString(value));
  } else if (Array.isArray(value)) {
    out.push("[");
    value.forEach((member, i) => {
      if (i) out.push(",");
      encode(member, out, depth + 1);
    });
    out.push("]");
  } else if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const keys = Object.keys(value).sort(compareUtf16);
    out.push("{");
    keys.forEach((key, i) => {
      if (i) out.push(",");
      out.push(encodeString(key), ":");
      encode(value[key], out, depth + 1);
    });
    out.push("}");
  } else {
    throw new VerificationError("canonical_json", `cannot encode a value of type ${typeof value}`);
  }
}

/**
 * RFC 8785 canonical JSON of `value` as a string (objects with string keys, arrays, strings,
 * safe integers, booleans, null).
 */
export function canonicalJson(value) {
  const out = [];
  encode(value, out, 0);
  return out.join("");
}

/** RFC 8785 canonical JSON of `value` as UTF-8 bytes. */
export function canonicalize(value) {
  return utf8(canonicalJson(value), "canonical JSON");
}

/**
 * The commitment (64 lowercase hex) to `details` under `opening`.
 * @param {object} details the committed details object
 * @param {Uint8Array|string} opening 16 bytes (or their hex)
 */
export async function computeCommitment(details, opening) {
  const openingBytes = typeof opening === "string" ? hexToBytes(opening, "opening") : opening;
  if (!(openingBytes instanceof Uint8Array) || openingBytes.length !== OPENING_LENGTH) {
    throw new VerificationError("opening_length", `opening is not ${OPENING_LENGTH} bytes`);
  }
  return bytesToHex(await sha256(COMMITMENT_DOMAIN, openingBytes, canonicalize(details)));
}

/**
 * Check that `details` opened with `opening` give `commitmentHex` (the value of the public
 * entry). Resolves to true, or throws a VerificationError saying what failed.
 * @param {object} details the committed details object
 * @param {Uint8Array|string} openingBytes 16 bytes (or their hex)
 * @param {string} commitmentHex 64 lowercase hex characters
 */
export async function verifyOpening(details, openingBytes, commitmentHex) {
  if (typeof commitmentHex !== "string" || !/^[0-9a-f]{64}$/.test(commitmentHex)) {
    throw new VerificationError(
      "commitment_format",
      "commitment is not 64 lowercase hex characters",
    );
  }
  const computed = await computeCommitment(details, openingBytes);
  if (computed !== commitmentHex) {
    throw new VerificationError(
      "commitment_mismatch",
      "the details and opening do not match the entry's commitment",
    );
  }
  return true;
}
