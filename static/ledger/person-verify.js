// Checks one person's "who used my data" rows (TRANSPARENCY.md §2), without the page:
//
//  1. the checkpoint: origin, the log's signature and the witness quorum of the pinned policy;
//  2. across visits: the checkpoint seen last (kept by the caller) must be extended by this one
//     (RFC 9162 §2.1.4 consistency), else "rollback" or "fork";
//  3. per row: the entry bytes are a canonical v2 entry; the VRF proof, under a pinned VRF key,
//     gives the entry's label for (namespace, identifier, counter); the audit path leads from
//     the entry's leaf to the checkpoint's root; details and opening give the commitment;
//  4. a row that shows a sealed read: the sealed entry passes 3 in namespace "sealed", is the
//     one the row's entry `unseals`, and carries its public `sealed_until` date.
//
// The JSON from the portal (`data`) brings entries, proofs and openings; it never brings keys
// or the quorum: those come only from the `policy` (checkpoint.js loadPolicy).

import { VerificationError } from "./bytes.js";
import { base64ToBytes, bytesToBase64, verifyCheckpoint } from "./checkpoint.js";
import { canonicalJson, verifyOpening } from "./commitment.js";
import { parseEntryV2 } from "./entry.js";
import { leafHash, verifyConsistency, verifyInclusion } from "./merkle.js";
import { verifyLabel } from "./vrf.js";

/** Run `fn`; a failure becomes a VerificationError with `code` and the original message. */
async function stage(code, fn) {
  try {
    return await fn();
  } catch (err) {
    throw new VerificationError(code, err?.message ?? String(err));
  }
}

async function verifyPart(part, namespace, identifier, policy, checkpoint) {
  if (part === null || typeof part !== "object" || part.status !== "included") {
    throw new VerificationError("missing", "no proof of this entry against the checkpoint");
  }
  const data = await stage("entry_format", () => base64ToBytes(part.entry, "entry"));
  const entry = await stage("entry_format", () => parseEntryV2(data));
  if (part.namespace !== namespace) {
    throw new VerificationError("label", `the label is not in namespace ${namespace}`);
  }
  const key = policy.vrfKeys.find((k) => k.id === part.vrf_key);
  if (key === undefined) {
    throw new VerificationError("vrf_key", `VRF key ${part.vrf_key} is not in the policy`);
  }
  await stage("label", () =>
    verifyLabel({
      publicKey: key.publicKey,
      proof: part.vrf_proof,
      namespace,
      identifier,
      counter: part.counter,
      label: entry.label,
    }),
  );
  await stage("inclusion", async () =>
    verifyInclusion(
      await leafHash(data),
      part.index,
      checkpoint.size,
      checkpoint.rootHash,
      part.inclusion.map((h) => base64ToBytes(h, "proof hash")),
    ),
  );
  if (part.opening === null) {
    throw new VerificationError("opening_deleted", "the opening was deleted");
  }
  const details = await stage("commitment", () => {
    const value = JSON.parse(part.details);
    if (canonicalJson(value) !== part.details) throw new Error("details are not canonical");
    return value;
  });
  await stage("commitment", () => verifyOpening(details, part.opening, entry.commitment));
  return { index: part.index, entry, details };
}

/** Check one row; resolves to {entry, details, sealed} or throws a VerificationError. */
export async function verifyRow(row, identifier, policy, checkpoint) {
  const read = await verifyPart(row, "person", identifier, policy, checkpoint);
  if (read.entry.unseals === undefined) {
    if (row.sealed !== null) {
      throw new VerificationError("unseal_link", "the entry does not unseal a sealed read");
    }
    return { ...read, sealed: null };
  }
  if (row.sealed === null) {
    throw new VerificationError("unseal_link", "the sealed read this entry opens is missing");
  }
  const sealed = await verifyPart(row.sealed, "sealed", identifier, policy, checkpoint);
  if (sealed.index !== read.entry.unseals || sealed.entry.sealed_until === undefined) {
    throw new VerificationError("unseal_link", "the entry points to another sealed read");
  }
  return { ...read, sealed };
}

/**
 * Check the checkpoint and its consistency with `lastSeen` ({size, root} base64, or null).
 * Resolves to the verified checkpoint; throws a VerificationError naming what failed.
 */
export async function verifyLog(policy, data, lastSeen) {
  if (typeof data.checkpoint !== "string") {
    throw new VerificationError("checkpoint_format", "no checkpoint was sent");
  }
  const checkpoint = await verifyCheckpoint(data.checkpoint, policy);
  if (lastSeen) {
    const oldRoot = base64ToBytes(lastSeen.root, "stored root");
    const proof = data.consistency;
    let hashes = [];
    if (lastSeen.size < checkpoint.size) {
      if (!proof || proof.from !== lastSeen.size || proof.to !== checkpoint.size) {
        throw new VerificationError("fork", "no consistency proof from the last checkpoint seen");
      }
      hashes = proof.hashes.map((h) => base64ToBytes(h, "consistency hash"));
    }
    await verifyConsistency(lastSeen.size, checkpoint.size, oldRoot, checkpoint.rootHash, hashes);
  }
  return checkpoint;
}

/**
 * Everything for one page of rows. Resolves to {checkpoint, logError, rows: Map(event →
 * {state: "ok"|"failed"|"not_yet", code, message, result})} and `seen`: the checkpoint to
 * remember for the next visit (null when it failed, so the old one stays as evidence).
 */
export async function verifyPerson(policy, data, lastSeen) {
  const rows = new Map();
  let checkpoint = null;
  let logError = null;
  try {
    checkpoint = await verifyLog(policy, data, lastSeen);
  } catch (err) {
    logError = err instanceof VerificationError ? err : new VerificationError("internal", String(err));
  }
  await Promise.all(
    data.rows.map(async (row) => {
      if (row.status !== "included") {
        rows.set(row.event, { state: "not_yet", code: row.status });
        return;
      }
      if (logError !== null) {
        rows.set(row.event, { state: "failed", code: logError.code, message: logError.message });
        return;
      }
      try {
        const result = await verifyRow(row, data.identifier, policy, checkpoint);
        rows.set(row.event, { state: "ok", result });
      } catch (err) {
        const code = err instanceof VerificationError ? err.code : "internal";
        rows.set(row.event, { state: "failed", code, message: err?.message ?? String(err) });
      }
    }),
  );
  const seen =
    checkpoint === null ? null : { size: checkpoint.size, root: bytesToBase64(checkpoint.rootHash) };
  return { checkpoint, logError, rows, seen };
}
