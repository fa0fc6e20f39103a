package io.consentledger.verifiable.note;

import io.consentledger.verifiable.merkle.Hashes;
import io.consentledger.verifiable.merkle.InvalidProofException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A C2SP tlog-checkpoint v1.0.0 body: the origin line, the tree size in decimal, the base64 root hash, then optional
 * extension lines, each ending in a newline. Signed, it is a {@link SignedNote} with that body as its text.
 * <p>
 * This ledger signs with a key named like the origin: {@link #open} checks that the note is signed by the verifier
 * key and that the origin is the key's name.
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {

    public Checkpoint {
        if (origin.isEmpty() || origin.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("the origin is a non-empty line without control characters");
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative tree size");
        }
        if (rootHash.length != Hashes.SIZE) {
            throw new IllegalArgumentException("a root hash has " + Hashes.SIZE + " bytes");
        }
        rootHash = rootHash.clone();
        extensions = List.copyOf(extensions);
        for (String line : extensions) {
            if (line.isEmpty() || line.contains("\n")) {
                throw new IllegalArgumentException("an extension line is a non-empty line");
            }
        }
    }

    public Checkpoint(String origin, long size, byte[] rootHash) {
        this(origin, size, rootHash, List.of());
    }

    /** The note text. */
    public String body() {
        StringBuilder body = new StringBuilder().append(origin).append('\n').append(size).append('\n')
                                                .append(Hashes.base64(rootHash)).append('\n');
        extensions.forEach(line -> body.append(line).append('\n'));
        return body.toString();
    }

    /** Parses a checkpoint body (a note's text). */
    public static Checkpoint parseBody(String body) {
        if (!body.endsWith("\n")) {
            throw new InvalidProofException("a checkpoint ends with a newline");
        }
        String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
        if (lines.length < 3) {
            throw new InvalidProofException("a checkpoint has an origin, a tree size and a root hash line");
        }
        if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
            throw new InvalidProofException("the checkpoint's tree size is not a decimal without leading zeros: "
                                            + lines[1]);
        }
        try {
            return new Checkpoint(lines[0], Long.parseLong(lines[1]), Hashes.fromBase64(lines[2]),
                                  new ArrayList<>(Arrays.asList(lines).subList(3, lines.length)));
        } catch (IllegalArgumentException e) {
            throw new InvalidProofException("not a checkpoint: " + e.getMessage(), e);
        }
    }

    /** Signs this checkpoint: the signed note text to publish. */
    public String sign(NoteSigner signer) {
        return SignedNote.sign(body(), signer).format();
    }

    /** Verifies a signed checkpoint note with {@code verifier} and returns the checkpoint. */
    public static Checkpoint open(String note, NoteVerifier verifier) {
        SignedNote signed = SignedNote.parse(note);
        Checkpoint checkpoint = parseBody(signed.text());
        signed.verify(verifier);
        if (!checkpoint.origin().equals(verifier.name())) {
            throw new InvalidProofException("the checkpoint's origin \"" + checkpoint.origin()
                                            + "\" is not the key's name \"" + verifier.name() + "\"");
        }
        return checkpoint;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Checkpoint that && origin.equals(that.origin) && size == that.size
               && Arrays.equals(rootHash, that.rootHash) && extensions.equals(that.extensions);
    }

    @Override
    public int hashCode() {
        return origin.hashCode() * 31 + Long.hashCode(size);
    }

    @Override
    public String toString() {
        return body();
    }
}
