package io.consentledger.verifiable.note;

import io.consentledger.verifiable.merkle.InvalidProofException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A C2SP signed note: a text of one or more lines, each ending in a newline, a blank line, then signature lines
 * {@code "— <key name> <base64(4-byte key id || signature)>\n"} (an em dash U+2014 and a space first). The
 * signatures sign the text's UTF-8 bytes, final newline included.
 */
public record SignedNote(String text, List<NoteSignature> signatures) {

    private static final String DASH = "\u2014 ";

    /** One signature line. */
    public record NoteSignature(String name, int keyId, byte[] signature) {
        public NoteSignature {
            signature = signature.clone();
        }

        String line() {
            byte[] idAndSignature = new byte[4 + signature.length];
            idAndSignature[0] = (byte) (keyId >>> 24);
            idAndSignature[1] = (byte) (keyId >>> 16);
            idAndSignature[2] = (byte) (keyId >>> 8);
            idAndSignature[3] = (byte) keyId;
            System.arraycopy(signature, 0, idAndSignature, 4, signature.length);
            return DASH + name + " " + Base64.getEncoder().encodeToString(idAndSignature) + "\n";
        }
    }

    public SignedNote {
        signatures = List.copyOf(signatures);
        requireValidText(text);
    }

    /** Signs {@code text} with every signer. */
    public static SignedNote sign(String text, NoteSigner... signers) {
        requireValidText(text);
        List<NoteSignature> signatures = new ArrayList<>();
        byte[] message = text.getBytes(StandardCharsets.UTF_8);
        for (NoteSigner signer : signers) {
            signatures.add(new NoteSignature(signer.name(), signer.keyId(), signer.sign(message)));
        }
        return new SignedNote(text, signatures);
    }

    /** Parses a signed note (without verifying it). */
    public static SignedNote parse(String note) {
        if (!note.endsWith("\n")) {
            throw new InvalidProofException("a signed note ends with a newline");
        }
        int split = note.lastIndexOf("\n\n");
        if (split < 0) {
            throw new InvalidProofException("a signed note has a blank line before its signatures");
        }
        String text = note.substring(0, split + 1);
        String[] lines = note.substring(split + 2).split("\n", -1);
        List<NoteSignature> signatures = new ArrayList<>();
        for (int i = 0; i < lines.length - 1; i++) { // the last element is the empty rest after the final newline
            signatures.add(parseSignature(lines[i]));
        }
        if (signatures.isEmpty()) {
            throw new InvalidProofException("a signed note has at least one signature");
        }
        try {
            return new SignedNote(text, signatures);
        } catch (IllegalArgumentException e) {
            throw new InvalidProofException(e.getMessage(), e);
        }
    }

    private static NoteSignature parseSignature(String line) {
        if (!line.startsWith(DASH)) {
            throw new InvalidProofException("a signature line starts with an em dash and a space: \"" + line + "\"");
        }
        String[] parts = line.substring(DASH.length()).split(" ", -1);
        if (parts.length != 2 || parts[0].isEmpty()) {
            throw new InvalidProofException("a signature line is \"— <name> <base64>\": \"" + line + "\"");
        }
        byte[] idAndSignature;
        try {
            idAndSignature = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new InvalidProofException("a signature is not base64: \"" + line + "\"");
        }
        if (idAndSignature.length < 5) {
            throw new InvalidProofException("a signature is too short: \"" + line + "\"");
        }
        int keyId = ((idAndSignature[0] & 0xff) << 24) | ((idAndSignature[1] & 0xff) << 16)
                    | ((idAndSignature[2] & 0xff) << 8) | (idAndSignature[3] & 0xff);
        return new NoteSignature(parts[0], keyId, Arrays.copyOfRange(idAndSignature, 4, idAndSignature.length));
    }

    private static void requireValidText(String text) {
        if (text == null || text.isEmpty() || !text.endsWith("\n")) {
            throw new IllegalArgumentException("a note's text is one or more lines, each ending in a newline");
        }
        if (text.contains("\n\n") || text.startsWith("\n")) {
            throw new IllegalArgumentException("a note's text has no blank lines");
        }
        if (text.chars().anyMatch(c -> c != '\n' && Character.isISOControl(c))) {
            throw new IllegalArgumentException("a note's text has no control characters but newlines");
        }
    }

    /**
     * Checks that the note carries a valid signature of {@code verifier} (matched by name and key id; other
     * signatures are ignored, as signed-note says) and returns the text.
     */
    public String verify(NoteVerifier verifier) {
        byte[] message = text.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (NoteSignature signature : signatures) {
            if (signature.name().equals(verifier.name()) && signature.keyId() == verifier.keyId()) {
                found = true;
                if (verifier.verify(message, signature.signature())) {
                    return text;
                }
            }
        }
        throw new InvalidProofException(found
                ? "the signature of " + verifier.name() + "+" + verifier.keyIdHex() + " does not verify"
                : "the note is not signed by " + verifier.name() + "+" + verifier.keyIdHex());
    }

    /** The note as text: text, blank line, signature lines. */
    public String format() {
        StringBuilder note = new StringBuilder(text).append('\n');
        signatures.forEach(signature -> note.append(signature.line()));
        return note.toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
