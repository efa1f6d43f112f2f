// Completeness (docs/ledger.md, "Completeness"): the person's listed reads are all the reads of
// them the access log held when the label index's epoch was built. Python twin:
// ledger/core/completeness.py (the same `data-uses-completeness/v1` JSON, the same checks):
//
//  1. the index log's checkpoint: its origin and key from the pinned policy, witness quorum
//     (the witnesses rebuild the index from the public log before they co-sign);
//  2. the epoch's leaf is in that checkpoint (RFC 9162 inclusion);
//  3. the leaf binds the access-log tree the rows were checked against, or one consistent with
//     it (RFC 9162 consistency);
//  4. the reads' counters are exactly 0 … n-1, each label from its VRF proof (pinned VRF keys);
//  5. the probes cover n, the next four and every power of two up to 2^16, with VRF proofs;
//  6. one batch proof: every read's label maps to its entry (index, leaf hash), every probe's
//     label is absent, against the epoch's index root.

import { VerificationError, bytesEqual, bytesToHex, concatBytes, utf8 } from "./bytes.js";
import { base64ToBytes, verifyCheckpoint } from "./checkpoint.js";
import { verifyConsistency, verifyInclusion, leafHash } from "./merkle.js";
import { rootFromProof } from "./prefix-tree.js";
import { verifyLabel } from "./vrf.js";

export const FORMAT = "data-uses-completeness/v1";
export const NEXT_PROBES = 5;
export const MAX_PROBE = 2 ** 16;
const LEAF_TAG = concatBytes(utf8("access-index/leaf/v1"), Uint8Array.of(0));
const LEAF_SIZE = LEAF_TAG.length + 8 * 3 + 32 * 2;

/** The counters whose absence must be proven for a person with `n` reads (0 … n-1). */
export function requiredProbes(n) {
  const probes = [];
  for (let c = n; c < n + NEXT_PROBES; c += 1) probes.push(c);
  for (let power = 1; power <= MAX_PROBE; power *= 2) if (power >= n + NEXT_PROBES) probes.push(power);
  return probes;
}

/** An index-log leaf (ledger/core/index_log.py IndexLeaf). */
export function parseIndexLeaf(data) {
  if (data.length !== LEAF_SIZE || !bytesEqual(data.subarray(0, LEAF_TAG.length), LEAF_TAG)) {
    throw new VerificationError("index_leaf", "not an index-log leaf (access-index/leaf/v1)");
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const p = LEAF_TAG.length;
  const number = (offset) => {
    const value = view.getBigUint64(p + offset, false);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new VerificationError("index_leaf", "a leaf number is beyond 2^53");
    }
    return Number(value);
  };
  return {
    epoch: number(0),
    time: number(8),
    logSize: number(16),
    logRoot: data.subarray(p + 24, p + 56),
    indexRoot: data.subarray(p + 56, p + 88),
  };
}

async function stage(code, fn) {
  try {
    return await fn();
  } catch (err) {
    throw new VerificationError(code, err?.message ?? String(err));
  }
}

async function labelOf(item, identifier, policy) {
  if (!item || !Number.isSafeInteger(item.counter) || item.counter < 0) {
    throw new VerificationError("counters", "a counter is not a whole number");
  }
  const key = policy.vrfKeys.find((k) => k.id === item.vrf_key);
  if (key === undefined) {
    throw new VerificationError("vrf_key", `VRF key ${item.vrf_key} is not in the policy`);
  }
  return stage("label", () =>
    verifyLabel({
      publicKey: key.publicKey,
      proof: base64ToBytes(item.vrf_proof, "VRF proof"),
      namespace: "person",
      identifier,
      counter: item.counter,
    }),
  );
}

/**
 * Check a completeness proof. `logCheckpoint` is the access-log checkpoint the rows were
 * verified against ({size, rootHash}); without one, `data.log_checkpoint` is verified with the
 * policy. Resolves to {reads: n, epoch, time (Unix seconds), logSize, witnesses,
 * members: Map(counter → {index, leafHash})}; throws a VerificationError naming the failed step.
 */
export async function verifyCompleteness(policy, data, logCheckpoint = null) {
  if (!policy.indexOrigin || policy.indexLogKeys.length === 0) {
    throw new VerificationError("index_policy", "the pinned policy names no index log");
  }
  if (data?.format !== FORMAT || typeof data.identifier !== "string" || data.namespace !== "person") {
    throw new VerificationError("index_format", "not a completeness proof");
  }
  const indexPolicy = {
    origin: policy.indexOrigin,
    logKeys: policy.indexLogKeys,
    witnessKeys: policy.witnessKeys,
    quorum: policy.quorum,
  };
  let indexCheckpoint;
  try {
    indexCheckpoint = await verifyCheckpoint(data.index_checkpoint, indexPolicy);
  } catch (err) {
    throw new VerificationError(`index_${err?.code ?? "checkpoint_format"}`, err?.message ?? String(err));
  }
  const leafBytes = await stage("index_leaf", () => base64ToBytes(data.index_leaf, "index leaf"));
  const leaf = parseIndexLeaf(leafBytes);
  await stage("index_inclusion", async () =>
    verifyInclusion(
      await leafHash(leafBytes),
      leaf.epoch,
      indexCheckpoint.size,
      indexCheckpoint.rootHash,
      data.index_inclusion.map((h) => base64ToBytes(h, "inclusion hash")),
    ),
  );
  const log = logCheckpoint ?? (await verifyCheckpoint(data.log_checkpoint, policy));
  await stage("log_binding", async () => {
    if (log.size === leaf.logSize) {
      if (!bytesEqual(log.rootHash, leaf.logRoot)) throw new Error("the epoch binds another root");
      return;
    }
    const proof = data.log_consistency;
    const [first, second] = log.size < leaf.logSize ? [log.size, leaf.logSize] : [leaf.logSize, log.size];
    if (!proof || proof.from !== first || proof.to !== second) {
      throw new Error("no consistency proof between the rows' checkpoint and the epoch");
    }
    const [firstRoot, secondRoot] =
      log.size < leaf.logSize ? [log.rootHash, leaf.logRoot] : [leaf.logRoot, log.rootHash];
    await verifyConsistency(
      first,
      second,
      firstRoot,
      secondRoot,
      proof.hashes.map((h) => base64ToBytes(h, "consistency hash")),
    );
  });
  if (!Array.isArray(data.reads) || !Array.isArray(data.probes)) {
    throw new VerificationError("index_format", "reads and probes must be lists");
  }
  data.reads.forEach((read, i) => {
    if (read?.counter !== i) {
      throw new VerificationError("counters", `read ${i} has counter ${read?.counter}: a counter is missing`);
    }
  });
  const members = new Map();
  const byCounter = new Map();
  const labels = await Promise.all(data.reads.map((read) => labelOf(read, data.identifier, policy)));
  data.reads.forEach((read, i) => {
    if (!Number.isSafeInteger(read.index) || read.index < 0 || read.index >= leaf.logSize) {
      throw new VerificationError("index_proof", `read ${i} is not in the epoch's access log`);
    }
    const value = { index: read.index, leafHash: base64ToBytes(read.leaf_hash, "leaf hash") };
    if (value.leafHash.length !== 32) {
      throw new VerificationError("index_format", "a leaf hash is not 32 bytes");
    }
    members.set(labels[i], value);
    byCounter.set(i, value);
  });
  const probed = new Set(data.probes.map((p) => p?.counter));
  for (const counter of requiredProbes(data.reads.length)) {
    if (!probed.has(counter)) {
      throw new VerificationError("probes", `no proof that counter ${counter} is absent`);
    }
  }
  const absent = await Promise.all(data.probes.map((probe) => labelOf(probe, data.identifier, policy)));
  const proof = await stage("index_proof", () => base64ToBytes(data.proof, "index proof"));
  const root = await rootFromProof(members, absent, proof);
  if (!bytesEqual(root, leaf.indexRoot)) {
    throw new VerificationError("index_proof", "the proof does not lead to the epoch's index root");
  }
  return {
    reads: data.reads.length,
    epoch: leaf.epoch,
    time: leaf.time,
    logSize: leaf.logSize,
    witnesses: indexCheckpoint.witnesses,
    members: byCounter,
  };
}

/**
 * The rows checked on the page must be the index's: each verified row inside the epoch's log
 * has its counter among the reads, with the same entry index and leaf hash. Returns the first
 * row's event id that does not match, or null.
 */
export async function rowsMismatch(verificationRows, outcomeRows, result) {
  for (const row of verificationRows) {
    const checked = outcomeRows.get(row.event);
    if (checked?.state !== "ok" || row.index >= result.logSize) continue;
    const member = result.members.get(row.counter);
    const leaf = await leafHash(base64ToBytes(row.entry, "entry"));
    if (member === undefined || member.index !== row.index || bytesToHex(member.leafHash) !== bytesToHex(leaf)) {
      return row.event;
    }
  }
  return null;
}
