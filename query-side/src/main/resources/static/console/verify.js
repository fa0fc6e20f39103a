// Checks a C2SP signed note (a tlog-checkpoint v1.0.0) in the browser with WebCrypto, independently of the server.
// Formats: https://c2sp.org/signed-note and https://c2sp.org/tlog-checkpoint (Ed25519 keys, algorithm byte 0x01).

const ED25519 = 0x01;

function base64ToBytes(text) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new Error('not standard base64');
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
}

function hex(bytes) {
    return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/** Splits a signed note into its text (with its final newline) and its signature lines. Null when it is not one. */
export function parseNote(note) {
    if (typeof note !== 'string') return null;
    const at = note.lastIndexOf('\n\n');
    if (at < 0) return null;
    const text = note.slice(0, at + 1);
    const signatures = [];
    for (const line of note.slice(at + 2).split('\n')) {
        if (line === '') continue;
        const match = /^\u2014 (\S+) (\S+)$/.exec(line);
        if (!match) return null;
        let bytes;
        try { bytes = base64ToBytes(match[2]); } catch (e) { return null; }
        if (bytes.length < 5) return null;
        signatures.push({ name: match[1], keyId: bytes.slice(0, 4), signature: bytes.slice(4) });
    }
    return signatures.length ? { text, signatures } : null;
}

/** A checkpoint: origin, tree size, root hash (base64), extension lines and signatures. Null when it is not one. */
export function parseCheckpoint(note) {
    const parsed = parseNote(note);
    if (!parsed) return null;
    const lines = parsed.text.slice(0, -1).split('\n');
    if (lines.length < 3 || !lines[0] || !/^(0|[1-9][0-9]*)$/.test(lines[1])) return null;
    try {
        if (base64ToBytes(lines[2]).length !== 32) return null;
    } catch (e) {
        return null;
    }
    return { origin: lines[0], size: lines[1], rootHash: lines[2], extensions: lines.slice(3), ...parsed };
}

/** A note verifier key, name+keyid+base64(0x01 || 32-byte Ed25519 key); its key id is checked. */
export function parseVerifierKey(text) {
    // the name holds no '+', the key id is hex; the base64 after them may hold '+'
    const parts = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(text);
    if (!parts) {
        throw new Error('A verifier key looks like name+0123abcd+base64');
    }
    const material = base64ToBytes(parts[3]);
    if (material.length !== 33 || material[0] !== ED25519) throw new Error('Only Ed25519 verifier keys (33 bytes, 0x01 first) are supported');
    return { name: parts[1], keyIdHex: parts[2], material };
}

async function keyId(name, material) {
    const prefix = new TextEncoder().encode(name + '\n');
    const input = new Uint8Array(prefix.length + material.length);
    input.set(prefix);
    input.set(material, prefix.length);
    return new Uint8Array(await crypto.subtle.digest('SHA-256', input)).slice(0, 4);
}

/** True when a signature line of the key's name and id verifies over the note's text. */
export async function verifyCheckpointSignature(note, key) {
    const parsed = parseNote(note);
    if (!parsed) throw new Error('Not a signed note');
    const expectedId = await keyId(key.name, key.material);
    if (hex(expectedId) !== key.keyIdHex) throw new Error('The key id does not match the key (' + hex(expectedId) + ')');
    if (!crypto.subtle) throw new Error('This browser offers no WebCrypto here (a secure context is needed)');
    const publicKey = await crypto.subtle.importKey('raw', key.material.slice(1), { name: 'Ed25519' }, false, ['verify']);
    const message = new TextEncoder().encode(parsed.text);
    for (const line of parsed.signatures) {
        if (line.name !== key.name || hex(line.keyId) !== key.keyIdHex || line.signature.length !== 64) continue;
        if (await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, line.signature, message)) return true;
    }
    return false;
}

async function sha256(...parts) {
    const length = parts.reduce((sum, part) => sum + part.length, 0);
    const input = new Uint8Array(length);
    let at = 0;
    for (const part of parts) {
        input.set(part, at);
        at += part.length;
    }
    return new Uint8Array(await crypto.subtle.digest('SHA-256', input));
}

/** RFC 9162 §2.1.1: the hash of a leaf. */
export function leafHash(bytes) {
    return sha256(Uint8Array.of(0), bytes);
}

/**
 * RFC 9162 §2.1.3.2: whether {@code proof} (the audit path, the leaf's sibling first) proves the leaf hash at
 * {@code index} in the tree of {@code size} leaves whose root is {@code root}.
 */
export async function verifyInclusion(index, size, leaf, proof, root) {
    let fn = BigInt(index);
    let sn = BigInt(size) - 1n;
    if (fn > sn) return false;
    let r = leaf;
    for (const p of proof) {
        if (sn === 0n) return false;
        if ((fn & 1n) === 1n || fn === sn) {
            r = await sha256(Uint8Array.of(1), p, r);
            while ((fn & 1n) === 0n && fn !== 0n) {
                fn >>= 1n;
                sn >>= 1n;
            }
        } else {
            r = await sha256(Uint8Array.of(1), r, p);
        }
        fn >>= 1n;
        sn >>= 1n;
    }
    return sn === 0n && hex(r) === hex(root);
}

/** A c2sp.org/tlog-proof@v1 receipt: extra (the leaf bytes), index, audit path, and the signed checkpoint. */
export function parseReceipt(text) {
    const lines = text.replace(/\r\n/g, '\n').split('\n');
    let at = 0;
    if (lines[at++] !== 'c2sp.org/tlog-proof@v1') throw new Error('A receipt starts with the line c2sp.org/tlog-proof@v1');
    let extra = null;
    if ((lines[at] || '').startsWith('extra ')) extra = base64ToBytes(lines[at++].slice(6));
    const index = /^index (0|[1-9][0-9]{0,15})$/.exec(lines[at++] || '');
    if (!index) throw new Error('The receipt has no valid "index <decimal>" line');
    const hashes = [];
    while (at < lines.length && lines[at] !== '') {
        const hash = base64ToBytes(lines[at++]);
        if (hash.length !== 32) throw new Error('An inclusion proof hash is not 32 bytes');
        hashes.push(hash);
    }
    if (at >= lines.length) throw new Error('The receipt has no blank line before its checkpoint');
    return { extra, index: index[1], hashes, checkpoint: lines.slice(at + 1).join('\n') };
}

/**
 * Verifies a receipt on its own: the checkpoint's signature by the key, the leaf (the receipt's extra: the event's
 * canonical bytes, whose position must be the index) and its inclusion in the checkpoint's tree.
 * Answers { ok, reason, position, size, leaf }.
 */
export async function verifyReceipt(text, key) {
    const receipt = parseReceipt(text);
    const checkpoint = parseCheckpoint(receipt.checkpoint);
    if (!checkpoint) return { ok: false, reason: 'The receipt\'s checkpoint is not a signed checkpoint' };
    if (!receipt.extra) return { ok: false, reason: 'The receipt carries no leaf (extra)' };
    const leafText = new TextDecoder('utf-8', { fatal: true }).decode(receipt.extra);
    let leaf;
    try {
        leaf = JSON.parse(leafText);
    } catch (e) {
        return { ok: false, reason: 'The receipt\'s leaf is not JSON' };
    }
    if (!leaf || String(leaf.position) !== receipt.index) {
        return { ok: false, reason: 'The leaf\'s position is not the receipt\'s index ' + receipt.index };
    }
    if (!await verifyCheckpointSignature(receipt.checkpoint, key)) {
        return { ok: false, reason: 'The checkpoint\'s signature does not verify with this key' };
    }
    const included = await verifyInclusion(receipt.index, checkpoint.size, await leafHash(receipt.extra), receipt.hashes,
        base64ToBytes(checkpoint.rootHash));
    return included
        ? { ok: true, position: receipt.index, size: checkpoint.size, leaf }
        : { ok: false, reason: 'The inclusion proof does not lead to the checkpoint\'s root hash' };
}
