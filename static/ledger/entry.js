// Access-ledger entries, format version 2 (docs/ledger-formats.md; ledger/core/entry_v2.py):
// the RFC 8785 canonical JSON of {v: 2, time, department, dataset, outcome, label, commitment,
// prev} plus `sealed_until` on a sealed read or `unseals` on the entry that shows one.

import { VerificationError } from "./bytes.js";
import { canonicalize } from "./commitment.js";

const REQUIRED = ["commitment", "dataset", "department", "label", "outcome", "prev", "time", "v"];
const OPTIONAL = ["sealed_until", "unseals"];
const HEX64 = /^[0-9a-f]{64}$/;
const DATE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
const TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$/;
const decoder = new TextDecoder("utf-8", { fatal: true });

function bad(message) {
  return new VerificationError("entry_format", message);
}

/**
 * Parse entry bytes strictly: UTF-8, JSON, exactly the v2 members with their types, and the
 * bytes must be the canonical JSON of the parsed value (so no two byte strings mean one entry).
 * @param {Uint8Array} data
 */
export function parseEntryV2(data) {
  let value;
  try {
    value = JSON.parse(decoder.decode(data));
  } catch {
    throw bad("the entry is not UTF-8 JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw bad("the entry is not a JSON object");
  }
  const keys = Object.keys(value);
  for (const k of REQUIRED) if (!keys.includes(k)) throw bad(`the entry has no ${k}`);
  for (const k of keys) {
    if (!REQUIRED.includes(k) && !OPTIONAL.includes(k)) throw bad(`unknown entry member ${k}`);
  }
  if (value.v !== 2) throw bad("the entry is not format version 2");
  if (typeof value.time !== "string" || !TIME.test(value.time)) throw bad("bad entry time");
  for (const k of ["department", "dataset"]) {
    if (typeof value[k] !== "string" || !value[k]) throw bad(`bad entry ${k}`);
  }
  if (value.outcome !== "granted" && value.outcome !== "refused") throw bad("bad outcome");
  for (const k of ["label", "commitment", "prev"]) {
    if (typeof value[k] !== "string" || !HEX64.test(value[k])) throw bad(`bad entry ${k}`);
  }
  if ("sealed_until" in value && "unseals" in value) throw bad("sealed and unsealing at once");
  if ("sealed_until" in value && !(typeof value.sealed_until === "string" && DATE.test(value.sealed_until))) {
    throw bad("bad sealed_until date");
  }
  if ("unseals" in value && !(Number.isSafeInteger(value.unseals) && value.unseals >= 0)) {
    throw bad("bad unseals index");
  }
  const canonical = canonicalize(value);
  if (canonical.length !== data.length || canonical.some((b, i) => b !== data[i])) {
    throw bad("the entry bytes are not canonical JSON");
  }
  return Object.freeze(value);
}
