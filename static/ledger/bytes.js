// Byte helpers shared by the access-ledger verifier modules (hex, UTF-8, hashing).
//
// Hashes come from the browser's WebCrypto (crypto.subtle); nothing here is a hand-written hash.

/** Raised when a check fails. `code` is a stable machine name, `message` says what failed. */
export class VerificationError extends Error {
  /**
   * @param {string} code stable identifier of the failed check (for translation by a page)
   * @param {string} message English description of what failed
   */
  constructor(code, message) {
    super(message);
    this.name = "VerificationError";
    this.code = code;
  }
}

const HEX_DIGITS = "0123456789abcdef";

/** Lowercase hex of a byte array. */
export function bytesToHex(bytes) {
  let out = "";
  for (const b of bytes) {
    out += HEX_DIGITS[b >> 4] + HEX_DIGITS[b & 15];
  }
  return out;
}

/**
 * Bytes of a hex string (either case accepted, even length required).
 * @param {string} hex
 * @param {string} what name of the value, used in the error message
 */
export function hexToBytes(hex, what = "value") {
  if (typeof hex !== "string" || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new VerificationError("bad_hex", `${what} is not an even-length hex string`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(hex.substr(2 * i, 2), 16);
  }
  return out;
}

/** Concatenation of byte arrays. */
export function concatBytes(...parts) {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Whether two byte arrays hold the same bytes. */
export function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

const encoder = new TextEncoder();

/**
 * UTF-8 bytes of a string. Lone surrogates are refused rather than silently replaced by
 * U+FFFD (TextEncoder's behaviour), so that the bytes match the Python side, which raises.
 * @param {string} text
 * @param {string} what name of the value, used in the error message
 */
export function utf8(text, what = "string") {
  if (typeof text !== "string") {
    throw new VerificationError("not_a_string", `${what} is not a string`);
  }
  if (!text.isWellFormed()) {
    throw new VerificationError("lone_surrogate", `${what} contains a lone surrogate`);
  }
  return encoder.encode(text);
}

/** SHA-512 of the concatenated parts (WebCrypto). */
export async function sha512(...parts) {
  return new Uint8Array(await crypto.subtle.digest("SHA-512", concatBytes(...parts)));
}

/** SHA-256 of the concatenated parts (WebCrypto). */
export async function sha256(...parts) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", concatBytes(...parts)));
}
