// The ledger's verifiable log, checked in the browser with WebCrypto, independently of the server's own checks.
//
// A port of the JDK-only offline verifier (shared-kernel/verifiable-log, io.consentledger.verifiable): the same
// formats and the same checks, in the same order, with the same reasons:
// - C2SP signed-note (https://c2sp.org/signed-note) and tlog-checkpoint v1.0.0, Ed25519 keys (algorithm byte 0x01):
//   SignedNote, Checkpoint, NoteVerifier;
// - RFC 9162 (= RFC 6962) section 2.1 hashes and the inclusion proof check of section 2.1.3.2: ProofVerifier;
// - the ledger's leaf encoding, RFC 8785 canonical JSON of a stored event or a sealed gap, read strictly: LogEntry;
// - receipts, C2SP tlog-proof (c2sp.org/tlog-proof@v1): TlogProof, and VerifyMain's receipt check.
// docs/verifiable-log.md describes all of them.

const ED25519 = 0x01;
const MAX_SAFE_INTEGER = Number.MAX_SAFE_INTEGER; // 2^53 - 1, the leaf encoding's largest integer
const MAX_LONG = (1n << 63n) - 1n;
const HASH_SIZE = 32;
const DASH = '\u2014 ';

/** A check that failed; its message says which and why. */
export class VerificationError extends Error {
    constructor(message) {
        super(message);
        this.name = 'VerificationError';
    }
}

function fail(message) {
    throw new VerificationError(message);
}

// ------------------------------------------------------------------------------------------------ bytes

/** Standard base64 (RFC 4648 section 4, padding optional, as java.util.Base64's basic decoder). */
export function base64ToBytes(text) {
    if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) {
        throw new VerificationError('not standard base64: "' + String(text).slice(0, 80) + '"');
    }
    let binary;
    try {
        binary = atob(text);
    } catch (e) {
        throw new VerificationError('not standard base64: "' + text.slice(0, 80) + '"');
    }
    return Uint8Array.from(binary, c => c.charCodeAt(0));
}

export function bytesToBase64(bytes) {
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return btoa(binary);
}

export function hex(bytes) {
    return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

function equalBytes(a, b) {
    if (a.length !== b.length) return false;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
    return diff === 0;
}

function subtle() {
    if (!globalThis.crypto || !globalThis.crypto.subtle) {
        throw new VerificationError('this browser offers no WebCrypto here (it needs a secure context: https, or '
            + 'http on localhost)');
    }
    return globalThis.crypto.subtle;
}

async function sha256(...parts) {
    const input = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of parts) {
        input.set(part, at);
        at += part.length;
    }
    return new Uint8Array(await subtle().digest('SHA-256', input));
}

/** RFC 9162 section 2.1.1: SHA-256(0x00 || leaf bytes). */
export function leafHash(bytes) {
    return sha256(Uint8Array.of(0), bytes);
}

/** RFC 9162 section 2.1.1: SHA-256(0x01 || left || right). */
export function nodeHash(left, right) {
    return sha256(Uint8Array.of(1), left, right);
}

// ------------------------------------------------------------------------------------------------ signed notes

/** A note verifier key, name+keyid+base64(0x01 || 32-byte Ed25519 key), as NoteVerifier.parse reads it. */
export function parseVerifierKey(text) {
    const parts = String(text || '').trim().split('+');
    if (parts.length < 3) fail('a verifier key is <name>+<hex key id>+<base64 key>');
    const name = parts[0];
    const keyIdHex = parts[1];
    const material = base64ToBytes(parts.slice(2).join('+'));
    if (material.length !== 33 || material[0] !== ED25519) {
        fail('the verifier key is not an Ed25519 key (type 0x01 and 32 bytes)');
    }
    requireValidName(name);
    if (!/^[0-9a-f]{8}$/.test(keyIdHex)) fail('the verifier key\'s id ' + keyIdHex + ' is not 8 lowercase hex digits');
    return { name, keyIdHex, material, publicKey: material.slice(1), vkey: name + '+' + keyIdHex + '+' + bytesToBase64(material) };
}

function requireValidName(name) {
    if (!name || name.includes('+') || /[\s\u0000-\u001f\u007f-\u009f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/.test(name)) {
        fail('a key name is non-empty, without spaces or \'+\': "' + name + '"');
    }
}

/** The key id: the first 4 bytes of SHA-256(name || "\n" || 0x01 || public key). */
export async function keyIdOf(key) {
    return (await sha256(new TextEncoder().encode(key.name + '\n'), key.material)).slice(0, 4);
}

async function requireKeyId(key) {
    const expected = hex(await keyIdOf(key));
    if (expected !== key.keyIdHex) {
        fail('the verifier key\'s id ' + key.keyIdHex + ' does not match its key (expected ' + expected + ')');
    }
}

function requireValidText(text) {
    if (!text || !text.endsWith('\n')) fail('a note\'s text is one or more lines, each ending in a newline');
    if (text.includes('\n\n') || text.startsWith('\n')) fail('a note\'s text has no blank lines');
    // Character.isISOControl: U+0000..U+001F and U+007F..U+009F
    if (/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(text)) fail('a note\'s text has no control characters but newlines');
}

/** SignedNote.parse: the text (with its final newline) and the signature lines. */
export function parseSignedNote(note) {
    if (typeof note !== 'string' || !note.endsWith('\n')) fail('a signed note ends with a newline');
    const split = note.lastIndexOf('\n\n');
    if (split < 0) fail('a signed note has a blank line before its signatures');
    const text = note.slice(0, split + 1);
    const lines = note.slice(split + 2).split('\n');
    const signatures = [];
    for (const line of lines.slice(0, -1)) { // the last element is the empty rest after the final newline
        if (!line.startsWith(DASH)) fail('a signature line starts with an em dash and a space: "' + line + '"');
        const parts = line.slice(DASH.length).split(' ');
        if (parts.length !== 2 || !parts[0]) fail('a signature line is "\u2014 <name> <base64>": "' + line + '"');
        let bytes;
        try {
            bytes = base64ToBytes(parts[1]);
        } catch (e) {
            fail('a signature is not base64: "' + line + '"');
        }
        if (bytes.length < 5) fail('a signature is too short: "' + line + '"');
        signatures.push({ name: parts[0], keyIdHex: hex(bytes.slice(0, 4)), signature: bytes.slice(4) });
    }
    if (signatures.length === 0) fail('a signed note has at least one signature');
    requireValidText(text);
    return { text, signatures };
}

/** Checkpoint.parseBody: origin, tree size, root hash and extension lines. */
export function parseCheckpointBody(body) {
    if (!body.endsWith('\n')) fail('a checkpoint ends with a newline');
    const lines = body.slice(0, -1).split('\n');
    if (lines.length < 3) fail('a checkpoint has an origin, a tree size and a root hash line');
    if (!/^(0|[1-9][0-9]{0,18})$/.test(lines[1]) || BigInt(lines[1]) > MAX_LONG) {
        fail('the checkpoint\'s tree size is not a decimal without leading zeros: ' + lines[1]);
    }
    const origin = lines[0];
    if (!origin || /[\u0000-\u001f\u007f-\u009f]/.test(origin)) fail('not a checkpoint: the origin is a non-empty line without control characters');
    let root;
    try {
        root = base64ToBytes(lines[2]);
    } catch (e) {
        fail('not a checkpoint: not a base64 hash: ' + lines[2]);
    }
    if (root.length !== HASH_SIZE) fail('not a checkpoint: a root hash has 32 bytes');
    const extensions = lines.slice(3);
    if (extensions.some(line => !line)) fail('not a checkpoint: an extension line is a non-empty line');
    return { origin, size: BigInt(lines[1]), rootHash: root, rootHashBase64: lines[2], extensions };
}

/** A checkpoint as text for display: origin, size, root, signatures. Null when it is not one. */
export function parseCheckpoint(note) {
    try {
        const signed = parseSignedNote(note);
        const body = parseCheckpointBody(signed.text);
        return { ...body, size: String(body.size), rootHash: body.rootHashBase64, text: signed.text, signatures: signed.signatures };
    } catch (e) {
        if (e instanceof VerificationError) return null;
        throw e;
    }
}

async function verifyEd25519(publicKey, signature, message) {
    const cryptoKey = await subtle().importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
    return subtle().verify({ name: 'Ed25519' }, cryptoKey, signature, message);
}

/**
 * SignedNote.verify: a signature line of the key's name and id that verifies over the note's text. Throws, saying
 * whether the note is not signed by the key or its signature does not verify.
 */
export async function verifyNote(note, key) {
    await requireKeyId(key);
    const signed = parseSignedNote(note);
    const message = new TextEncoder().encode(signed.text);
    let found = false;
    for (const line of signed.signatures) {
        if (line.name !== key.name || line.keyIdHex !== key.keyIdHex) continue;
        found = true;
        if (line.signature.length === 64 && await verifyEd25519(key.publicKey, line.signature, message)) return signed.text;
    }
    fail(found ? 'the signature of ' + key.name + '+' + key.keyIdHex + ' does not verify'
        : 'the note is not signed by ' + key.name + '+' + key.keyIdHex);
}

/** Whether the note carries a valid signature of the key (any signed note, not only a checkpoint). */
export async function verifyCheckpointSignature(note, key) {
    try {
        await verifyNote(note, key);
        return true;
    } catch (e) {
        if (e instanceof VerificationError && / does not verify$| is not signed by /.test(e.message)) return false;
        throw e;
    }
}

/** Checkpoint.open: the note is a checkpoint, signed by the key, whose origin is the key's name. */
export async function openCheckpoint(note, key) {
    const signed = parseSignedNote(note);
    const checkpoint = parseCheckpointBody(signed.text);
    await verifyNote(note, key);
    if (checkpoint.origin !== key.name) {
        fail('the checkpoint\'s origin "' + checkpoint.origin + '" is not the key\'s name "' + key.name + '"');
    }
    return { ...checkpoint, note };
}

// ------------------------------------------------------------------------------------------------ RFC 9162 proofs

/** RFC 9162 section 2.1.3.2: the root an inclusion proof leads to (ProofVerifier.rootFromInclusion). */
export async function rootFromInclusion(index, size, leaf, proof) {
    const i = BigInt(index);
    const n = BigInt(size);
    if (i < 0n || i >= n) fail('leaf index ' + i + ' is not in a tree of size ' + n);
    if (!leaf || leaf.length !== HASH_SIZE) fail('leaf hash is not a 32-byte hash');
    proof.forEach((hash, k) => {
        if (!hash || hash.length !== HASH_SIZE) fail('proof hash ' + k + ' is not a 32-byte hash');
    });
    let fn = i;
    let sn = n - 1n;
    let r = leaf;
    for (const p of proof) {
        if (sn === 0n) fail('inclusion proof is longer than a tree of size ' + n + ' allows');
        if ((fn & 1n) === 1n || fn === sn) {
            r = await nodeHash(p, r);
            while ((fn & 1n) === 0n && fn !== 0n) {
                fn >>= 1n;
                sn >>= 1n;
            }
        } else {
            r = await nodeHash(r, p);
        }
        fn >>= 1n;
        sn >>= 1n;
    }
    if (sn !== 0n) fail('inclusion proof is shorter than a tree of size ' + n + ' needs');
    return r;
}

/** ProofVerifier.verifyInclusion: throws unless the proof leads from the leaf hash to the root. */
export async function requireInclusion(index, size, leaf, proof, root) {
    if (!root || root.length !== HASH_SIZE) fail('root hash is not a 32-byte hash');
    const computed = await rootFromInclusion(index, size, leaf, proof);
    if (!equalBytes(computed, root)) {
        fail('inclusion proof of leaf ' + index + ' in tree size ' + size + ' leads to root ' + bytesToBase64(computed)
            + ', not ' + bytesToBase64(root));
    }
}

/** Whether the inclusion proof (the audit path, the leaf's sibling first) leads from the leaf hash to the root. */
export async function verifyInclusion(index, size, leaf, proof, root) {
    try {
        await requireInclusion(index, size, leaf, proof, root);
        return true;
    } catch (e) {
        if (e instanceof VerificationError) return false;
        throw e;
    }
}

// ------------------------------------------------------------------------------------------------ leaves

const EVENT_MEMBERS = ['position', 'eventId', 'aggregateType', 'aggregateId', 'sequenceNumber', 'timestamp',
    'payloadType', 'payloadRevision', 'payload', 'metaData'];
const GAP_MEMBERS = ['position', 'tombstone'];

/** RFC 8785 for the values a leaf holds: strings, null, booleans, safe integers, objects (members by UTF-16 order). */
export function canonicalJson(value) {
    if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
    if (typeof value === 'number') {
        if (!Number.isSafeInteger(value)) fail('a leaf holds only integers of magnitude below 2^53');
        return String(value);
    }
    if (typeof value === 'object' && !Array.isArray(value)) {
        // Array.prototype.sort without a comparator orders by UTF-16 code units, as RFC 8785 section 3.2.3 wants
        return '{' + Object.keys(value).sort().map(k => JSON.stringify(k) + ':' + canonicalJson(value[k])).join(',') + '}';
    }
    fail('a leaf holds no arrays');
}

function sameMembers(json, members) {
    const keys = Object.keys(json);
    return keys.length === members.length && members.every(m => Object.prototype.hasOwnProperty.call(json, m));
}

/** LogEntry.fromLeafBytes: exactly a stored event or a sealed gap, with the right types, in canonical form. */
export function readLeaf(bytes) {
    let text;
    try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (e) {
        fail('the leaf bytes are not UTF-8');
    }
    let json;
    try {
        json = JSON.parse(text);
    } catch (e) {
        fail('the leaf is not JSON: ' + e.message);
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) fail('expected a JSON object');
    const position = json.position;
    const requirePosition = () => {
        if (!Number.isSafeInteger(position) || position < 0) fail('"position" is a non-negative integer');
    };
    let entry;
    if (Object.prototype.hasOwnProperty.call(json, 'tombstone')) {
        if (!sameMembers(json, GAP_MEMBERS)) fail('leaf members: a sealed gap has exactly position and tombstone');
        if (json.tombstone !== true) fail('"tombstone" is true when present');
        requirePosition();
        entry = { position, tombstone: true };
    } else {
        if (!sameMembers(json, EVENT_MEMBERS)) {
            const missing = EVENT_MEMBERS.filter(m => !Object.prototype.hasOwnProperty.call(json, m));
            const unexpected = Object.keys(json).filter(k => !EVENT_MEMBERS.includes(k));
            fail('leaf members: missing [' + missing.join(', ') + '], unexpected [' + unexpected.join(', ') + ']');
        }
        requirePosition();
        const sequence = json.sequenceNumber;
        if (sequence !== null && !Number.isSafeInteger(sequence)) fail('"sequenceNumber" is an integer or null');
        for (const name of ['eventId', 'aggregateType', 'aggregateId', 'timestamp', 'payloadType', 'payloadRevision', 'payload', 'metaData']) {
            if (json[name] !== null && typeof json[name] !== 'string') fail('"' + name + '" is a string or null');
        }
        for (const name of ['eventId', 'timestamp', 'payloadType', 'payload', 'metaData']) {
            if (json[name] === null) fail('an event has a "' + name + '"');
        }
        if ((json.aggregateId === null) !== (sequence === null)) {
            fail('an event has both an aggregateId and a sequenceNumber, or neither');
        }
        if (sequence !== null && sequence < 0) fail('sequenceNumber out of range: ' + sequence);
        if (position > MAX_SAFE_INTEGER) fail('position out of range: ' + position);
        entry = { ...json };
    }
    if (canonicalJson(entry) !== text) fail('the leaf bytes are not in canonical form');
    return entry;
}

// ------------------------------------------------------------------------------------------------ receipts

/** TlogProof.parse: extra (the leaf bytes, or null), index, audit path and the signed checkpoint note. */
export function parseReceipt(text) {
    const lines = String(text).split('\n');
    let at = 0;
    if (lines.length < 3 || lines[at++] !== 'c2sp.org/tlog-proof@v1') fail('a tlog proof starts with the line c2sp.org/tlog-proof@v1');
    let extra = null;
    if (lines[at].startsWith('extra ')) {
        try {
            extra = base64ToBytes(lines[at++].slice('extra '.length));
        } catch (e) {
            fail('the tlog proof\'s extra data is not base64');
        }
    }
    if (!/^index (0|[1-9][0-9]{0,18})$/.test(lines[at] || '') || BigInt(lines[at].slice(6)) > MAX_LONG) {
        fail('the tlog proof has no valid "index <decimal>" line');
    }
    const index = BigInt(lines[at++].slice('index '.length));
    const hashes = [];
    while (at < lines.length && lines[at] !== '') {
        let hash;
        try {
            hash = base64ToBytes(lines[at]);
        } catch (e) {
            fail('the tlog proof\'s inclusion proof: not a base64 hash: ' + lines[at]);
        }
        if (hash.length !== HASH_SIZE) fail('the tlog proof\'s inclusion proof: a hash has 32 bytes, not ' + hash.length + ': ' + lines[at]);
        hashes.push(hash);
        at++;
    }
    if (at >= lines.length) fail('the tlog proof has no blank line before its checkpoint');
    return { extra, index, hashes, checkpoint: lines.slice(at + 1).join('\n') };
}

/** The members of an access record that a share event's payload carries too. */
const SHARE_MEMBERS = ['shareId', 'consentId', 'linkId', 'recipientId', 'providerId', 'customerId', 'scope', 'purpose'];

function describe(entry) {
    return entry.tombstone ? 'sealed gap' : 'event ' + entry.eventId + ' (' + entry.payloadType + ')';
}

/**
 * Verifies a receipt as VerifyMain does, step by step, and stops at the first failure: the receipt parses and
 * carries a canonical leaf whose position is its index; its checkpoint is signed by the key and its origin is the
 * key's name; the inclusion proof leads from the leaf's hash to the checkpoint's root. Then, when given:
 * - {@code expected.checkpoint} (a checkpoint opened with the same key): a checkpoint of the same size with another
 *   root is a fork;
 * - {@code expected.share} (the access record the receipt was fetched for): the leaf is that share's event (its
 *   event id, its leaf index, and the payload's ids, scope and purpose as the record shows them).
 * Answers { ok, reason, checks: [{ name, ok, detail }], entry, checkpoint } and never throws for bad input.
 */
export async function verifyReceipt(text, key, expected = {}) {
    const checks = [];
    const result = { ok: false, reason: null, checks, entry: null, checkpoint: null };
    const step = async (name, run) => {
        try {
            const detail = await run();
            checks.push({ name, ok: true, detail });
        } catch (e) {
            const reason = e instanceof VerificationError ? e.message : 'unexpected error: ' + (e && e.message || e);
            checks.push({ name, ok: false, detail: reason });
            throw new VerificationError(reason);
        }
    };
    try {
        let receipt;
        await step('receipt', () => {
            receipt = parseReceipt(text);
            if (!receipt.extra) fail('it carries no leaf (no extra line)');
            return 'c2sp.org/tlog-proof@v1, index ' + receipt.index + ', ' + receipt.hashes.length + ' proof hashes';
        });
        await step('leaf', () => {
            result.entry = readLeaf(receipt.extra);
            if (BigInt(result.entry.position) !== receipt.index) {
                fail('its leaf is position ' + result.entry.position + ' but it proves index ' + receipt.index);
            }
            return 'position ' + result.entry.position + ', ' + describe(result.entry) + ', canonical';
        });
        if (expected.share) {
            await step('share', () => requireShare(result.entry, expected.share));
        }
        await step('signature', async () => {
            result.checkpoint = await openCheckpoint(receipt.checkpoint, key);
            return 'checkpoint of ' + result.checkpoint.origin + ', tree size ' + result.checkpoint.size
                + ', signed by ' + key.name + '+' + key.keyIdHex + ' (Ed25519)';
        });
        await step('inclusion', async () => {
            const hash = await leafHash(receipt.extra);
            try {
                await requireInclusion(receipt.index, result.checkpoint.size, hash, receipt.hashes, result.checkpoint.rootHash);
            } catch (e) {
                fail(e.message + ': the leaf is not in the signed tree (the event was changed after it was logged, '
                    + 'or the proof is wrong)');
            }
            return 'leaf hash ' + hex(hash).slice(0, 16) + '… leads to the root ' + result.checkpoint.rootHashBase64;
        });
        if (expected.checkpoint) {
            await step('fork', () => {
                const latest = expected.checkpoint;
                if (latest.size === result.checkpoint.size && !equalBytes(latest.rootHash, result.checkpoint.rootHash)) {
                    fail('its checkpoint has the same size as the latest checkpoint but another root: the log showed '
                        + 'two different trees (a fork)');
                }
                return latest.size === result.checkpoint.size ? 'the same tree as the latest checkpoint'
                    : 'tree size ' + result.checkpoint.size + ', latest checkpoint ' + latest.size;
            });
        }
        result.ok = true;
    } catch (e) {
        result.reason = e instanceof VerificationError ? e.message : 'unexpected error: ' + (e && e.message || e);
    }
    if (result.checkpoint) {
        result.position = String(result.entry ? result.entry.position : '');
        result.size = String(result.checkpoint.size);
    }
    return result;
}

/** The leaf is the share's event: event id, leaf index, and the payload's members as the access record shows them. */
function requireShare(entry, share) {
    if (entry.tombstone) fail('the leaf is a sealed gap, not the share\'s event ' + share.eventId);
    if (entry.eventId !== share.eventId) fail('the leaf is event ' + entry.eventId + ', not the share\'s event ' + share.eventId);
    const leafIndex = share.leafIndex !== null && share.leafIndex !== undefined ? share.leafIndex : share.globalPosition;
    if (leafIndex !== null && leafIndex !== undefined && String(entry.position) !== String(leafIndex)) {
        fail('the leaf is position ' + entry.position + ', but the access record names leaf ' + leafIndex);
    }
    let payload;
    try {
        payload = JSON.parse(entry.payload);
    } catch (e) {
        fail('the share event\'s payload is not JSON');
    }
    const differ = SHARE_MEMBERS.filter(m => share[m] !== undefined && share[m] !== null
        && payload[m] !== undefined && String(payload[m]) !== String(share[m]));
    if (differ.length) {
        fail('the event says ' + differ.map(m => m + ' ' + JSON.stringify(payload[m])).join(', ')
            + ', but the access record shows ' + differ.map(m => JSON.stringify(share[m])).join(', '));
    }
    const compared = SHARE_MEMBERS.filter(m => share[m] !== undefined && share[m] !== null && payload[m] !== undefined);
    return 'event ' + entry.eventId + ' (' + entry.payloadType.split('.').pop() + '), leaf ' + entry.position
        + '; ' + compared.join(', ') + ' as shown';
}
