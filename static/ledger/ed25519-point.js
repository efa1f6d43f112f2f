// Edwards25519 group operations for the VRF verifier (RFC 9381 ECVRF-EDWARDS25519-SHA512-TAI).
//
// Written for clarity with BigInt field arithmetic. The verifier only handles public values
// (public keys, proofs), so nothing here needs to run in constant time, and nothing here may be
// used with secret scalars.
//
// Curve (RFC 8032 §5.1, Table 1): -x^2 + y^2 = 1 + d x^2 y^2 over GF(p), p = 2^255 - 19,
// group order of the prime-order subgroup L (RFC 9381 calls it q), cofactor 8.
// Points are kept in extended homogeneous coordinates (X : Y : Z : T) with x = X/Z, y = Y/Z,
// x*y = T/Z (RFC 8032 §5.1.4).

import { VerificationError } from "./bytes.js";

/** Field prime p = 2^255 - 19 (RFC 8032 §5.1). */
export const P = 2n ** 255n - 19n;
/** Order L of the prime-order subgroup (RFC 8032 §5.1; RFC 9381 §5.5 calls it q). */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;
/** Cofactor of edwards25519 (RFC 9381 §5.5). */
export const COFACTOR = 8n;
/** Curve constant d = -121665/121666 (RFC 8032 §5.1). */
const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;
const D2 = (2n * D) % P;
/** A square root of -1 in GF(p): 2^((p-1)/4) (RFC 8032 §5.1.3 step 3). */
const SQRT_M1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752n;

/** Reduction into [0, p). */
function mod(a) {
  const r = a % P;
  return r < 0n ? r + P : r;
}

/** x^(2^k) mod p: k successive squarings. */
function pow2k(x, k) {
  let r = x;
  for (let i = 0; i < k; i++) r = (r * r) % P;
  return r;
}

/**
 * x^(2^250 - 1) mod p by an addition chain (b_n below is x^(2^n - 1)); shared by the inverse and
 * the square-root exponent, and far cheaper than plain square-and-multiply.
 */
function pow2_250_1(x) {
  const b2 = (pow2k(x, 1) * x) % P; // x^3
  const b4 = (pow2k(b2, 2) * b2) % P; // x^15
  const b5 = (pow2k(b4, 1) * x) % P; // x^31
  const b10 = (pow2k(b5, 5) * b5) % P;
  const b20 = (pow2k(b10, 10) * b10) % P;
  const b40 = (pow2k(b20, 20) * b20) % P;
  const b80 = (pow2k(b40, 40) * b40) % P;
  const b160 = (pow2k(b80, 80) * b80) % P;
  const b240 = (pow2k(b160, 80) * b80) % P;
  const b250 = (pow2k(b240, 10) * b10) % P;
  return { b250, b2 };
}

/** Multiplicative inverse x^(p-2) = x^(2^255 - 21) (Fermat); 0 maps to 0. */
export function invert(x) {
  const { b250, b2 } = pow2_250_1(mod(x));
  // 2^255 - 21 = (2^250 - 1) * 2^5 + 11, and x^11 = x^8 * x^3.
  const x11 = (pow2k(mod(x), 3) * b2) % P;
  return (pow2k(b250, 5) * x11) % P;
}

/** x^((p-5)/8) = x^(2^252 - 3), the exponent of RFC 8032 §5.1.3 step 3. */
function powP58(x) {
  const { b250 } = pow2_250_1(x);
  return (pow2k(b250, 2) * x) % P; // (2^250 - 1) * 4 + 1 = 2^252 - 3
}

/** A point in extended coordinates. Instances are immutable. */
export class Point {
  constructor(X, Y, Z, T) {
    this.X = X;
    this.Y = Y;
    this.Z = Z;
    this.T = T;
  }

  /** The neutral element (0, 1). */
  static identity() {
    return new Point(0n, 1n, 1n, 0n);
  }

  /** Point addition, RFC 8032 §5.1.4 (formulas for a = -1, complete on the curve). */
  add(other) {
    const A = ((this.Y - this.X) * (other.Y - other.X)) % P;
    const B = ((this.Y + this.X) * (other.Y + other.X)) % P;
    const C = (((this.T * D2) % P) * other.T) % P;
    const Dd = (2n * this.Z * other.Z) % P;
    const E = B - A;
    const F = Dd - C;
    const G = Dd + C;
    const H = B + A;
    return new Point((E * F) % P, (G * H) % P, (F * G) % P, (E * H) % P);
  }

  /** Point doubling, RFC 8032 §5.1.4. */
  double() {
    const A = (this.X * this.X) % P;
    const B = (this.Y * this.Y) % P;
    const C = (2n * this.Z * this.Z) % P;
    const H = A + B;
    const s = this.X + this.Y;
    const E = H - ((s * s) % P);
    const G = A - B;
    const F = C + G;
    return new Point((E * F) % P, (G * H) % P, (F * G) % P, (E * H) % P);
  }

  /** The inverse -P = (-x, y). */
  negate() {
    return new Point(-this.X, this.Y, this.Z, -this.T);
  }

  /** Whether this is the neutral element: x = 0 and y = 1, i.e. X = 0 and Y = Z. */
  isIdentity() {
    return mod(this.X) === 0n && mod(this.Y - this.Z) === 0n;
  }

  /** Projective equality: X1 Z2 = X2 Z1 and Y1 Z2 = Y2 Z1. */
  equals(other) {
    return (
      mod(this.X * other.Z - other.X * this.Z) === 0n &&
      mod(this.Y * other.Z - other.Y * this.Z) === 0n
    );
  }

  /** cofactor * P (three doublings), as RFC 9381 uses for cofactor clearing. */
  clearCofactor() {
    return this.double().double().double();
  }

  /**
   * Whether the point has small order, i.e. cofactor * P is the identity (RFC 9381 §5.4.5,
   * ECVRF_validate_key). Such a public key would let a prover make many outputs verify.
   */
  isSmallOrder() {
    return this.clearCofactor().isIdentity();
  }

  /** k * P for a non-negative scalar, by a fixed 4-bit window (public scalars only). */
  multiply(k) {
    return multiScalarMultiply([[k, this]]);
  }

  /**
   * Encoding of RFC 8032 §5.1.2: y as 32 bytes little-endian, with the low bit of x in the top
   * bit of the last byte.
   */
  toBytes() {
    return encodeAffine(this, invert(this.Z));
  }

  /**
   * Decoding of RFC 8032 §5.1.3, with every check it requires: y < p, x^2 must have a square
   * root, and x = 0 with the sign bit set is refused. RFC 9381 §5.5 (string_to_point) uses this
   * decoding and requires "INVALID" for anything that is not a point on the curve.
   * @param {Uint8Array} bytes 32 bytes
   * @param {string} what name of the value, used in the error message
   */
  static fromBytes(bytes, what = "point") {
    if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
      throw new VerificationError("bad_point", `${what} is not 32 bytes`);
    }
    // Step 1: the sign bit of x is bit 255; y is the rest, little-endian; y >= p is invalid.
    const x0 = bytes[31] >> 7;
    let y = 0n;
    for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? bytes[i] & 0x7f : bytes[i]);
    if (y >= P) {
      throw new VerificationError("bad_point", `${what} has a y coordinate not below p`);
    }
    // Step 2: x^2 = u/v with u = y^2 - 1, v = d y^2 + 1.
    const y2 = (y * y) % P;
    const u = mod(y2 - 1n);
    const v = mod(D * y2 + 1n);
    // Step 3: candidate root x = u v^3 (u v^7)^((p-5)/8).
    const v3 = (((v * v) % P) * v) % P;
    const v7 = (((v3 * v3) % P) * v) % P;
    let x = (((u * v3) % P) * powP58((u * v7) % P)) % P;
    const vx2 = (v * ((x * x) % P)) % P;
    if (vx2 === u) {
      // x is a root.
    } else if (vx2 === mod(-u)) {
      x = (x * SQRT_M1) % P;
    } else {
      throw new VerificationError("bad_point", `${what} is not on the curve`);
    }
    // Step 4: choose the root with the encoded sign; x = 0 cannot have sign 1.
    if (x === 0n && x0 === 1) {
      throw new VerificationError("bad_point", `${what} encodes x = 0 with the sign bit set`);
    }
    if (Number(x & 1n) !== x0) x = P - x;
    return new Point(x, y, 1n, (x * y) % P);
  }
}

/** Encoding of RFC 8032 §5.1.2 given 1/Z (lets callers share one inversion). */
function encodeAffine(point, zInv) {
  const x = mod(point.X * zInv);
  let y = mod(point.Y * zInv);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(y & 0xffn);
    y >>= 8n;
  }
  out[31] |= Number(x & 1n) << 7;
  return out;
}

/**
 * Encodings of several points with a single field inversion (Montgomery's trick: invert the
 * product of the Z coordinates once, then peel off each 1/Z with two multiplications).
 * @param {Point[]} points
 * @returns {Uint8Array[]}
 */
export function encodePoints(points) {
  const prefix = [];
  let acc = 1n;
  for (const p of points) {
    prefix.push(acc);
    acc = (acc * mod(p.Z)) % P;
  }
  let inv = invert(acc);
  const out = new Array(points.length);
  for (let i = points.length - 1; i >= 0; i--) {
    out[i] = encodeAffine(points[i], (inv * prefix[i]) % P);
    inv = (inv * mod(points[i].Z)) % P;
  }
  return out;
}

/** The base point B of RFC 8032 §5.1 (y = 4/5, x even). */
export const BASE = new Point(
  15112221349535400772501151409588531511454012693041857206046113283949847762202n,
  46316835694926478169428394003475163141307993866256225615783033603165251855960n,
  1n,
  (15112221349535400772501151409588531511454012693041857206046113283949847762202n *
    46316835694926478169428394003475163141307993866256225615783033603165251855960n) %
    P,
);

/** [0P, 1P, ..., 15P] for the 4-bit window. */
function windowTable(point) {
  const table = [Point.identity(), point];
  for (let i = 2; i < 16; i++) table.push(table[i - 1].add(point));
  return table;
}

/**
 * sum(k_i * P_i) for non-negative scalars below 2^256 (Straus' method: one shared chain of
 * doublings, a 4-bit window table per point). Used for U = s*B - c*Y and V = s*H - c*Gamma of
 * RFC 9381 §5.3 steps 5 and 6.
 * @param {[bigint, Point][]} terms
 */
export function multiScalarMultiply(terms) {
  const tables = terms.map(([, point]) => windowTable(point));
  const scalars = terms.map(([k]) => {
    if (typeof k !== "bigint" || k < 0n || k >= 2n ** 256n) {
      throw new RangeError("scalar must be a BigInt in [0, 2^256)");
    }
    return k;
  });
  let acc = Point.identity();
  let started = false;
  for (let shift = 252n; shift >= 0n; shift -= 4n) {
    if (started) acc = acc.double().double().double().double();
    for (let i = 0; i < scalars.length; i++) {
      const digit = Number((scalars[i] >> shift) & 15n);
      if (digit !== 0) {
        acc = acc.add(tables[i][digit]);
        started = true;
      }
    }
  }
  return acc;
}

/** Integer from little-endian bytes (RFC 9381 §5.5 string_to_int; RFC 8032 §5.1.2). */
export function bytesToIntLE(bytes) {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}
