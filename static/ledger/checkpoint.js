// C2SP signed notes, tlog-checkpoint bodies and tlog-cosignature/v1 witness cosignatures,
// verified with Ed25519 from WebCrypto. The Python side is ledger/core/notes.py,
// ledger/core/checkpoint.py and ledger/core/signing.py.
//
// - c2sp.org/signed-note: "<text>\n\n— <name> base64(4-byte key ID || signature)\n…"; key ID =
//   SHA-256(name || 0x0A || type || public key)[:4]; vkey = "name+hash8+base64(type || key)".
// - c2sp.org/tlog-checkpoint: text = "<origin>\n<size>\n<base64 root>\n[extensions…]".
// - c2sp.org/tlog-cosignature: type 0x04; signature = 8-byte big-endian timestamp ||
//   Ed25519("cosignature/v1\ntime <timestamp>\n" || checkpoint text).

import { VerificationError, concatBytes, sha256, utf8 } from "./bytes.js";

/** Signature type of a log's Ed25519 note signature. */
export const ALG_ED25519 = 0x01;
/** Signature type of a witness's timestamped cosignature. */
export const ALG_COSIGNATURE_V1 = 0x04;

const DASH = "\u2014 ";

/** Standard base64 (RFC 4648 §4) to bytes; non-canonical encodings are refused. */
export function base64ToBytes(text, what = "value") {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4) {
    throw new VerificationError("bad_base64", `${what} is not base64`);
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  if (bytesToBase64(out) !== text) {
    throw new VerificationError("bad_base64", `${what} is not canonical base64`);
  }
  return out;
}

/** Bytes to standard base64. */
export function bytesToBase64(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** "a+b+rest" → ["a", "b", "rest"] (base64 may hold "+"), or [] without two "+". */
function splitKey(text) {
  if (typeof text !== "string") return [];
  const first = text.indexOf("+");
  const second = first < 0 ? -1 : text.indexOf("+", first + 1);
  if (second < 0) return [];
  return [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
}

function validKeyName(name) {
  return name.length > 0 && !name.includes("+") && !/\s/u.test(name) && name.isWellFormed();
}

/** Key ID of a named key (C2SP signed-note): a 32-bit unsigned integer. */
export async function keyHash(name, alg, publicKey) {
  const digest = await sha256(utf8(name, "key name"), Uint8Array.of(0x0a, alg), publicKey);
  return new DataView(digest.buffer).getUint32(0, false);
}

/**
 * Parse a C2SP vkey "name+hash8+base64(type || 32-byte key)", check its key ID and import the
 * Ed25519 key into WebCrypto. Resolves to {name, keyHash, alg, publicKey, cryptoKey}.
 */
export async function parseVkey(vkey) {
  const parts = splitKey(vkey);
  if (parts.length !== 3 || !validKeyName(parts[0]) || !/^[0-9a-f]{8}$/i.test(parts[1])) {
    throw new VerificationError("policy_key", "a policy key is not a vkey");
  }
  const [name, hash8, data] = parts;
  const raw = base64ToBytes(data, "vkey");
  if (raw.length !== 33 || (raw[0] !== ALG_ED25519 && raw[0] !== ALG_COSIGNATURE_V1)) {
    throw new VerificationError("policy_key", `the key ${name} is not an Ed25519 vkey`);
  }
  const alg = raw[0];
  const publicKey = raw.subarray(1);
  const hash = await keyHash(name, alg, publicKey);
  if (hash !== parseInt(hash8, 16)) {
    throw new VerificationError("policy_key", `the key ID of ${name} does not match its key`);
  }
  const cryptoKey = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, [
    "verify",
  ]);
  return { name, keyHash: hash, alg, publicKey, cryptoKey };
}

/** Ed25519 (RFC 8032) verification through WebCrypto. */
export async function ed25519Verify(cryptoKey, signature, message) {
  if (signature.length !== 64) return false;
  return crypto.subtle.verify({ name: "Ed25519" }, cryptoKey, signature, message);
}

/**
 * Split a signed note into its text and signature lines (C2SP signed-note, "Format"): the
 * text ends at the last blank line; each line is "— <name> base64(key ID || signature)".
 */
export function parseNote(note) {
  if (typeof note !== "string" || !note.isWellFormed() || /[\u0000-\u0009\u000b-\u001f]/.test(note)) {
    throw new VerificationError("checkpoint_format", "the checkpoint note is not valid text");
  }
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) {
    throw new VerificationError("checkpoint_format", "the checkpoint note has no signatures");
  }
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split("\n");
  const signatures = lines.map((line) => {
    if (!line.startsWith(DASH)) {
      throw new VerificationError("checkpoint_format", "a signature line is malformed");
    }
    const rest = line.slice(DASH.length);
    const space = rest.indexOf(" ");
    const name = rest.slice(0, space);
    if (space < 1 || !validKeyName(name)) {
      throw new VerificationError("checkpoint_format", "a signature line is malformed");
    }
    const raw = base64ToBytes(rest.slice(space + 1), "signature");
    if (raw.length < 5) {
      throw new VerificationError("checkpoint_format", "a signature is too short");
    }
    const keyId = new DataView(raw.buffer, raw.byteOffset).getUint32(0, false);
    return { name, keyHash: keyId, signature: raw.subarray(4) };
  });
  return { text, signatures };
}

/** Parse checkpoint note text (c2sp.org/tlog-checkpoint, "Note text"). */
export function parseCheckpointText(text) {
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3 || !lines[0]) {
    throw new VerificationError("checkpoint_format", "the checkpoint text is malformed");
  }
  const [origin, sizeText, rootText] = lines;
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new VerificationError("checkpoint_format", "the checkpoint size is not a number");
  }
  const rootHash = base64ToBytes(rootText, "root hash");
  if (rootHash.length !== 32) {
    throw new VerificationError("checkpoint_format", "the checkpoint root is not 32 bytes");
  }
  return { origin, size: Number(sizeText), rootHash, rootText };
}

/** The cosignature/v1 signed message (c2sp.org/tlog-cosignature). */
function cosignatureMessage(text, timestamp) {
  return utf8(`cosignature/v1\ntime ${timestamp}\n${text}`);
}

/**
 * Verify a checkpoint against a pinned policy {origin, logKeys, witnessKeys, quorum} whose keys
 * came from parseVkey. The log must have signed it; every signature line by a policy witness
 * must verify (C2SP signed-note: a bad signature by a known key rejects the note); at least
 * `quorum` distinct policy witnesses must have co-signed. Lines by other keys are ignored.
 * Resolves to {origin, size, rootHash, rootText, witnesses}.
 */
export async function verifyCheckpoint(note, policy) {
  const { text, signatures } = parseNote(note);
  const checkpoint = parseCheckpointText(text);
  if (checkpoint.origin !== policy.origin) {
    throw new VerificationError("checkpoint_origin", "the checkpoint is from another log");
  }
  const message = utf8(text);
  const find = (keys, sig) =>
    keys.find((k) => k.name === sig.name && k.keyHash === sig.keyHash) ?? null;
  let logSigned = false;
  const cosigned = new Set();
  for (const sig of signatures) {
    const logKey = find(policy.logKeys, sig);
    if (logKey !== null) {
      if (!(await ed25519Verify(logKey.cryptoKey, sig.signature, message))) {
        throw new VerificationError(
          "checkpoint_signature",
          "the log's signature on the checkpoint does not verify",
        );
      }
      logSigned = true;
      continue;
    }
    const witness = find(policy.witnessKeys, sig);
    if (witness === null) continue;
    const valid =
      sig.signature.length === 72 &&
      (await ed25519Verify(
        witness.cryptoKey,
        sig.signature.subarray(8),
        cosignatureMessage(
          text,
          new DataView(sig.signature.buffer, sig.signature.byteOffset).getBigUint64(0, false),
        ),
      ));
    if (!valid) {
      throw new VerificationError(
        "witness_signature",
        `the cosignature of witness ${witness.name} does not verify`,
      );
    }
    cosigned.add(`${witness.name}+${witness.keyHash}`);
  }
  if (!logSigned) {
    throw new VerificationError(
      "checkpoint_signature",
      "the checkpoint carries no signature by the pinned log key",
    );
  }
  if (cosigned.size < policy.quorum) {
    throw new VerificationError(
      "witness_quorum",
      `${cosigned.size} witness cosignature(s), the policy requires ${policy.quorum}`,
    );
  }
  return { ...checkpoint, witnesses: cosigned.size };
}

/** Import every key of a policy object (as written by manage.py ledger_verifier_policy). */
export async function loadPolicy(policy) {
  const logKeys = await Promise.all(policy.log_keys.map(parseVkey));
  const witnessKeys = await Promise.all(policy.witness_keys.map(parseVkey));
  // The index log (completeness): optional; a policy without it checks rows only.
  const indexLogKeys = await Promise.all((policy.index_log_keys ?? []).map(parseVkey));
  if ([...logKeys, ...indexLogKeys].some((k) => k.alg !== ALG_ED25519)) {
    throw new VerificationError("policy_key", "a policy log key is not an Ed25519 note key");
  }
  if (witnessKeys.some((k) => k.alg !== ALG_COSIGNATURE_V1)) {
    throw new VerificationError("policy_key", "a policy witness key is not a cosigner key");
  }
  return Object.freeze({
    origin: policy.origin,
    logKeys,
    witnessKeys,
    quorum: policy.quorum,
    vrfKeys: await Promise.all(policy.vrf_keys.map(parseVrfKey)),
    indexOrigin: policy.index_origin ?? "",
    indexLogKeys,
  });
}

const VRF_KEY_TYPE = concatBytes(Uint8Array.of(0xff), utf8("ECVRF-EDWARDS25519-SHA512-TAI"));

/**
 * A VRF public key "name+hash8+base64(32 bytes)" (ledger/core/vrf.py); its key ID must be
 * SHA-256(name || 0x0A || 0xFF || "ECVRF-EDWARDS25519-SHA512-TAI" || key)[:4].
 */
export async function parseVrfKey(text) {
  const parts = splitKey(text);
  if (parts.length !== 3 || !validKeyName(parts[0]) || !/^[0-9a-f]{8}$/.test(parts[1])) {
    throw new VerificationError("policy_key", "a policy VRF key is malformed");
  }
  const publicKey = base64ToBytes(parts[2], "VRF key");
  if (publicKey.length !== 32) {
    throw new VerificationError("policy_key", "a policy VRF key is not 32 bytes");
  }
  const digest = await sha256(utf8(parts[0]), Uint8Array.of(0x0a), VRF_KEY_TYPE, publicKey);
  if (new DataView(digest.buffer).getUint32(0, false) !== parseInt(parts[1], 16)) {
    throw new VerificationError("policy_key", `the key ID of VRF key ${parts[0]} does not match`);
  }
  return { id: `${parts[0]}+${parts[1]}`, publicKey };
}
