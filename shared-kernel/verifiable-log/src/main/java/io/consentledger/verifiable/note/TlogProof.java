package io.consentledger.verifiable.note;

import io.consentledger.verifiable.merkle.Hashes;
import io.consentledger.verifiable.merkle.InclusionProof;
import io.consentledger.verifiable.merkle.InvalidProofException;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A C2SP tlog-proof ({@code c2sp.org/tlog-proof@v1}), the ledger's receipt: an entry's index, its inclusion proof
 * and the signed checkpoint it is proven against, plus optional opaque extra data. The ledger puts the entry's
 * canonical leaf bytes in {@code extra}, so a receipt alone is enough to check that an event is in the log.
 * <pre>
 * c2sp.org/tlog-proof@v1
 * extra &lt;base64&gt;            (optional)
 * index &lt;decimal&gt;
 * &lt;base64 hash&gt;              (zero or more, leaf's sibling first)
 *
 * &lt;signed checkpoint note, verbatim&gt;
 * </pre>
 */
public record TlogProof(byte[] extra, long index, List<byte[]> hashes, String checkpointNote) {

    public static final String HEADER = "c2sp.org/tlog-proof@v1";

    public TlogProof {
        extra = extra == null ? null : extra.clone();
        hashes = List.copyOf(hashes);
        if (index < 0) {
            throw new IllegalArgumentException("negative index");
        }
    }

    public String format() {
        StringBuilder proof = new StringBuilder(HEADER).append('\n');
        if (extra != null) {
            proof.append("extra ").append(Base64.getEncoder().encodeToString(extra)).append('\n');
        }
        proof.append("index ").append(index).append('\n');
        hashes.forEach(hash -> proof.append(Hashes.base64(hash)).append('\n'));
        return proof.append('\n').append(checkpointNote).toString();
    }

    public static TlogProof parse(String text) {
        String[] lines = text.split("\n", -1);
        int at = 0;
        if (lines.length < 3 || !lines[at++].equals(HEADER)) {
            throw new InvalidProofException("a tlog proof starts with the line " + HEADER);
        }
        byte[] extra = null;
        if (lines[at].startsWith("extra ")) {
            try {
                extra = Base64.getDecoder().decode(lines[at++].substring("extra ".length()));
            } catch (IllegalArgumentException e) {
                throw new InvalidProofException("the tlog proof's extra data is not base64");
            }
        }
        if (!lines[at].matches("index (0|[1-9][0-9]{0,18})")) {
            throw new InvalidProofException("the tlog proof has no valid \"index <decimal>\" line");
        }
        long index = Long.parseLong(lines[at++].substring("index ".length()));
        List<byte[]> hashes = new ArrayList<>();
        while (at < lines.length && !lines[at].isEmpty()) {
            try {
                hashes.add(Hashes.fromBase64(lines[at++]));
            } catch (IllegalArgumentException e) {
                throw new InvalidProofException("the tlog proof's inclusion proof: " + e.getMessage());
            }
        }
        if (at >= lines.length) {
            throw new InvalidProofException("the tlog proof has no blank line before its checkpoint");
        }
        at++;
        String checkpoint = String.join("\n", java.util.Arrays.asList(lines).subList(at, lines.length));
        return new TlogProof(extra, index, hashes, checkpoint);
    }

    /**
     * Verifies the checkpoint's signature with {@code verifier} and the inclusion of {@code leafHash} at
     * {@link #index()} in it; returns the checkpoint.
     */
    public Checkpoint verify(NoteVerifier verifier, byte[] leafHash) {
        Checkpoint checkpoint = Checkpoint.open(checkpointNote, verifier);
        new InclusionProof(index, checkpoint.size(), hashes).verify(leafHash, checkpoint.rootHash());
        return checkpoint;
    }

    /** A receipt for the entry at {@code proof.leafIndex()}, proven against a signed checkpoint of that tree size. */
    public static TlogProof of(byte[] extra, InclusionProof proof, String checkpointNote) {
        Checkpoint checkpoint = Checkpoint.parseBody(SignedNote.parse(checkpointNote).text());
        if (checkpoint.size() != proof.treeSize()) {
            throw new IllegalArgumentException("the proof is for tree size " + proof.treeSize()
                                               + " but the checkpoint has size " + checkpoint.size());
        }
        return new TlogProof(extra, proof.leafIndex(), proof.hashes(), checkpointNote);
    }
}
