// "Who used my data": checks every listed row in the person's own browser.
//
// The policy (log key, witness keys, quorum, VRF keys) comes from one fixed URL written here,
// never from the page or its JSON (docs/browser-verifier.md, "The pinned policy"). The JSON
// (rows' entries, proofs, openings; the co-signed checkpoint) is fetched from the URL the page
// names; whatever it holds, it is only data to check. The words shown come from the page's
// JSON script element #verifier-strings (the CSP forbids inline scripts), so the script holds
// no language. The checkpoint seen is kept in localStorage, per log origin, for the next visit.

import { POLICY } from "/ledger/verifier-policy.js";
import { loadPolicy } from "./checkpoint.js";
import { rowsMismatch, verifyCompleteness } from "./completeness.js";
import { verifyPerson } from "./person-verify.js";

const STORAGE_PREFIX = "access-ledger/last-checkpoint/";

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

function loadSeen(origin) {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_PREFIX + origin) ?? "null");
    if (value && Number.isSafeInteger(value.size) && typeof value.root === "string") return value;
  } catch {
    // Unreadable: as on a first visit.
  }
  return null;
}

function saveSeen(origin, seen) {
  try {
    localStorage.setItem(STORAGE_PREFIX + origin, JSON.stringify(seen));
  } catch {
    // Storage refused (private mode, quota): the next visit checks from scratch.
  }
}

/** The page shows what the log holds: its row must show the entry and details just checked. */
function pageMatches(tr, result) {
  const { entry, details } = result.sealed ?? result;
  return (
    tr.dataset.index === String(result.index) &&
    tr.dataset.department === entry.department &&
    tr.dataset.dataset === entry.dataset &&
    tr.dataset.purpose === details.purpose &&
    tr.dataset.application === (details.application_number ?? "")
  );
}

function show(cell, className, text) {
  const span = document.createElement("span");
  span.className = className;
  span.textContent = text;
  cell.replaceChildren(span);
}

async function run(table, strings) {
  const status = document.getElementById("verify-status");
  status.textContent = strings.checking;
  status.className = "verify-status";
  const started = performance.now();
  const reasons = strings.reasons;
  const reasonOf = (code) => reasons[code] ?? reasons.internal;
  const trs = [...table.querySelectorAll("tbody tr[data-event]")];
  let policy;
  let data;
  const origin = POLICY.origin;
  const lastSeen = loadSeen(origin);
  try {
    policy = await loadPolicy(POLICY);
    const url = new URL(table.dataset.verificationUrl, location.href);
    if (lastSeen) url.searchParams.set("since", String(lastSeen.size));
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    data = await response.json();
  } catch (err) {
    console.error("ledger verifier:", err);
    status.textContent = fill(strings.summary_failed, { reason: reasonOf(policy ? "network" : "internal") });
    status.className = "verify-status failed";
    document.documentElement.dataset.ledgerCheck = "failed";
    return;
  }
  const outcome = await verifyPerson(policy, data, lastSeen);
  let checked = 0;
  let firstFailure = outcome.logError?.code ?? null;
  for (const tr of trs) {
    const cell = tr.querySelector("td.check");
    const row = outcome.rows.get(tr.dataset.event);
    let state = row?.state ?? (tr.dataset.index === undefined ? "pending" : "failed");
    let code = row?.code ?? "missing";
    if (state === "ok" && !pageMatches(tr, row.result)) {
      state = "failed";
      code = "page_mismatch";
    }
    tr.dataset.check = state === "failed" ? `failed:${code}` : state;
    if (state === "ok") {
      checked += 1;
      show(cell, "ok", `✔ ${strings.ok}`);
    } else if (state === "failed") {
      firstFailure ??= code;
      tr.classList.add("row--failed");
      show(cell, "failed", `✘ ${fill(strings.failed, { reason: reasonOf(code) })}`);
    } else if (state === "not_yet" && code === "awaiting_checkpoint") {
      show(cell, "pending", strings.not_yet);
    }
  }
  if (firstFailure !== null) {
    status.textContent = fill(strings.summary_failed, { reason: reasonOf(firstFailure) });
    status.className = "verify-status failed";
  } else if (trs.length === 0) {
    status.hidden = true; // no rows to check: the completeness line below says what there is
  } else if (checked === 0) {
    status.textContent = strings.summary_nothing;
  } else {
    status.textContent = fill(strings.summary_ok, {
      n: checked,
      size: outcome.checkpoint.size,
      witnesses: outcome.checkpoint.witnesses,
    });
    status.className = "verify-status ok";
  }
  if (outcome.seen !== null && outcome.logError === null) saveSeen(origin, outcome.seen);
  const root = document.documentElement;
  const section = document.getElementById("completeness");
  if (section?.dataset.completenessUrl) {
    root.dataset.completenessCheck = await checkComplete(section, strings, policy, data, outcome);
  } else if (section !== null) {
    document.getElementById("completeness-status").textContent = strings.completeness_not_yet;
    root.dataset.completenessCheck = "not_yet";
  }
  root.dataset.ledgerCheckMs = String(Math.round(performance.now() - started));
  root.dataset.ledgerCheck = firstFailure === null ? "ok" : "failed";
}

function when(seconds, strings) {
  const date = new Date(seconds * 1000);
  return date.toLocaleString(strings.locale, { dateStyle: "medium", timeStyle: "short" });
}

/** Completeness: are the rows all the recorded reads? Writes #completeness-status. */
async function checkComplete(section, strings, policy, data, outcome) {
  const status = document.getElementById("completeness-status");
  if (status === null) return "nothing";
  const reasons = strings.reasons;
  const say = (state, text) => {
    status.textContent = text;
    status.className = `verify-status ${state}`;
    status.dataset.state = state;
  };
  say("", strings.completeness_checking);
  if (outcome.logError !== null || outcome.checkpoint === null) {
    say("failed", fill(strings.completeness_failed, { reason: reasons[outcome.logError?.code] ?? reasons.internal }));
    return "failed";
  }
  let proof;
  try {
    const url = new URL(section.dataset.completenessUrl, location.href);
    url.searchParams.set("log_size", String(outcome.checkpoint.size));
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (response.status === 404) {
      say("pending", strings.completeness_not_yet);
      return "not_yet";
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    proof = await response.json();
  } catch (err) {
    console.error("completeness:", err);
    say("failed", fill(strings.completeness_failed, { reason: reasons.network }));
    return "failed";
  }
  try {
    if (proof.identifier !== data.identifier) {
      throw Object.assign(new Error("the proof is about someone else"), { code: "identifier" });
    }
    const result = await verifyCompleteness(policy, proof, outcome.checkpoint);
    if ((await rowsMismatch(data.rows, outcome.rows, result)) !== null) {
      throw Object.assign(new Error("a row is not the index's"), { code: "list_mismatch" });
    }
    const values = { n: result.reads, time: when(result.time, strings), witnesses: result.witnesses };
    say("ok", fill(result.reads === 0 ? strings.completeness_none : strings.completeness_ok, values));
    status.dataset.reads = String(result.reads);
    return "ok";
  } catch (err) {
    console.warn("completeness check failed:", err?.code, err?.message);
    status.dataset.reason = err?.code ?? "internal";
    say("failed", fill(strings.completeness_failed, { reason: reasons[err?.code] ?? reasons.internal }));
    return "failed";
  }
}

// The rows' table; on a page without rows, the completeness section (it names the same URL).
const table =
  document.querySelector("table.data-uses[data-verification-url]") ??
  document.querySelector("#completeness[data-verification-url]");
const stringsElement = document.getElementById("verifier-strings");
if (table !== null && stringsElement !== null) {
  run(table, JSON.parse(stringsElement.textContent));
} else if (stringsElement !== null) {
  document.documentElement.dataset.ledgerCheck = "nothing";
}
