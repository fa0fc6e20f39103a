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
    const parts = text.split('+');
    if (parts.length !== 3 || !parts[0] || !/^[0-9a-f]{8}$/.test(parts[1])) {
        throw new Error('A verifier key looks like name+0123abcd+base64');
    }
    const material = base64ToBytes(parts[2]);
    if (material.length !== 33 || material[0] !== ED25519) throw new Error('Only Ed25519 verifier keys (33 bytes, 0x01 first) are supported');
    return { name: parts[0], keyIdHex: parts[1], material };
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
