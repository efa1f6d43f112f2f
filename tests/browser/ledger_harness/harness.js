// Test-only harness: exposes the ledger verifier modules to Playwright as plain functions that
// take and return JSON-friendly values (hex strings), reporting failures as {ok: false, code,
// message} instead of throwing across the page boundary.

import { bytesToHex, hexToBytes } from "/static/ledger/bytes.js";
import { BASE, Point } from "/static/ledger/ed25519-point.js";
import { computeCommitment, canonicalJson, verifyOpening } from "/static/ledger/commitment.js";
import { labelAlpha, labelFromBeta, proofToHash, verify, verifyLabel } from "/static/ledger/vrf.js";

async function outcome(fn) {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, code: err.code ?? err.name, message: err.message };
  }
}

window.ledgerHarness = {
  verify: (pk, pi, alpha) =>
    outcome(async () => {
      const beta = await verify(hexToBytes(pk), hexToBytes(pi), hexToBytes(alpha));
      return bytesToHex(beta);
    }),
  proofToHash: (pi) => outcome(async () => bytesToHex(await proofToHash(hexToBytes(pi)))),
  labelAlpha: (namespace, identifier, counter) =>
    outcome(async () => bytesToHex(labelAlpha(namespace, identifier, counter))),
  labelFromBeta: (beta) => outcome(async () => labelFromBeta(hexToBytes(beta))),
  verifyLabel: (args) => outcome(() => verifyLabel(args)),
  canonicalJson: (value) => outcome(async () => canonicalJson(value)),
  computeCommitment: (details, opening) => outcome(() => computeCommitment(details, opening)),
  verifyOpening: (details, opening, commitment) =>
    outcome(() => verifyOpening(details, opening, commitment)),
  // Group operations: decode then encode, small-order test, k * B (k as a decimal string).
  roundTrip: (hex) => outcome(async () => bytesToHex(Point.fromBytes(hexToBytes(hex)).toBytes())),
  isSmallOrder: (hex) => outcome(async () => Point.fromBytes(hexToBytes(hex)).isSmallOrder()),
  baseMultiply: (k) => outcome(async () => bytesToHex(BASE.multiply(BigInt(k)).toBytes())),
  // Verifies one person's rows as the "who used my data" page will: each row's label proof and
  // its opening. Returns the times in milliseconds and how many rows verified.
  timePerson: async (publicKey, identifier, rows) => {
    const pk = hexToBytes(publicKey);
    const start = performance.now();
    let vrfMs = 0;
    let openingMs = 0;
    let verified = 0;
    for (const row of rows) {
      const t0 = performance.now();
      await verifyLabel({
        publicKey: pk,
        proof: row.proof,
        namespace: "person",
        identifier,
        counter: row.counter,
        label: row.label,
      });
      const t1 = performance.now();
      await verifyOpening(row.details, row.opening, row.commitment);
      openingMs += performance.now() - t1;
      vrfMs += t1 - t0;
      verified += 1;
    }
    return { total_ms: performance.now() - start, vrf_ms: vrfMs, opening_ms: openingMs, verified };
  },
};

document.getElementById("status").textContent = "ready";
