package io.consentledger.verifiable.note;

import io.consentledger.verifiable.merkle.Hashes;
import io.consentledger.verifiable.merkle.InclusionProof;
import io.consentledger.verifiable.merkle.InvalidProofException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignedNoteTest {

    /** C2SP/C2SP signed-note.md, the example of section "Verifier keys" and its example note. */
    static final String SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
    static final String SPEC_NOTE = "This is an example message.\n\n"
                                    + "\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

    /** golang.org/x/mod sumdb/note/note_test.go (TestNewVerifier, TestSign): PeterNeumann's keys and note. */
    static final String GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    static final String GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    static final String GO_TEXT = "If you think cryptography is the answer to your problem,\n"
                                  + "then you don't know what your problem is.\n";
    static final String GO_NOTE = GO_TEXT + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    @Test
    void theSignedNoteSpecExampleVerifies() {
        NoteVerifier verifier = NoteVerifier.parse(SPEC_VKEY);
        assertThat(verifier.name()).isEqualTo("example.com/foo");
        assertThat(verifier.keyIdHex()).isEqualTo("530d903a");
        assertThat(verifier.vkey()).isEqualTo(SPEC_VKEY);
        assertThat(SignedNote.parse(SPEC_NOTE).verify(verifier)).isEqualTo("This is an example message.\n");
        assertThat(SignedNote.parse(SPEC_NOTE).format()).isEqualTo(SPEC_NOTE);
    }

    @Test
    void oneChangedByteOfTheSpecExampleFails() {
        NoteVerifier verifier = NoteVerifier.parse(SPEC_VKEY);
        String changedText = SPEC_NOTE.replace("example message", "example messagE");
        assertThatThrownBy(() -> SignedNote.parse(changedText).verify(verifier))
                .isInstanceOf(InvalidProofException.class).hasMessageContaining("does not verify");
        String changedSignature = SPEC_NOTE.replace("Uw2QOkn8", "Uw2QOkn9");
        assertThatThrownBy(() -> SignedNote.parse(changedSignature).verify(verifier))
                .isInstanceOf(InvalidProofException.class);
        String otherKeyId = SPEC_NOTE.replace("Uw2QO", "Uw2QP");
        assertThatThrownBy(() -> SignedNote.parse(otherKeyId).verify(verifier))
                .isInstanceOf(InvalidProofException.class).hasMessageContaining("not signed by");
    }

    @Test
    void aChangedVerifierKeyIdIsRefused() {
        assertThatThrownBy(() -> NoteVerifier.parse(SPEC_VKEY.replace("530d903a", "530d903b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match");
    }

    @Test
    void theGoSignerKeyDerivesItsVerifierKeyAndSignsTheGoNoteByteForByte() {
        NoteSigner signer = NoteSigner.parse(GO_SKEY);
        assertThat(signer.verifier().vkey()).isEqualTo(GO_VKEY);
        assertThat(signer.skey()).isEqualTo(GO_SKEY);
        assertThat(signer.toString()).doesNotContain("AYEKFALV");
        assertThat(SignedNote.sign(GO_TEXT, signer).format()).isEqualTo(GO_NOTE); // Ed25519 is deterministic
        assertThat(SignedNote.parse(GO_NOTE).verify(NoteVerifier.parse(GO_VKEY))).isEqualTo(GO_TEXT);
    }

    @Test
    void aGeneratedKeySignsAndOnlyItVerifies() {
        NoteSigner signer = NoteSigner.generate("ledger.example/log");
        NoteSigner other = NoteSigner.generate("ledger.example/log");
        String note = SignedNote.sign("hello\n", signer).format();
        assertThat(SignedNote.parse(note).verify(NoteVerifier.parse(signer.verifier().vkey()))).isEqualTo("hello\n");
        assertThat(NoteSigner.parse(signer.skey()).verifier().vkey()).isEqualTo(signer.verifier().vkey());
        assertThatThrownBy(() -> SignedNote.parse(note).verify(other.verifier())).isInstanceOf(InvalidProofException.class);
    }

    @Test
    void malformedNotesAreRefused() {
        assertThatThrownBy(() -> SignedNote.parse("text\n")).isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> SignedNote.parse("text\n\n")).isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> SignedNote.parse("text\n\n- name AAAA\n")).isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> SignedNote.parse(SPEC_NOTE.strip())).isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> SignedNote.sign("no newline", NoteSigner.generate("a"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCheckpointIsSignedAndOpened() {
        NoteSigner signer = NoteSigner.generate("consent-ledger.example/log");
        byte[] root = Hashes.sha256("root".getBytes(StandardCharsets.UTF_8));
        Checkpoint checkpoint = new Checkpoint("consent-ledger.example/log", 42, root);
        assertThat(checkpoint.body()).isEqualTo("consent-ledger.example/log\n42\n" + Hashes.base64(root) + "\n");
        String note = checkpoint.sign(signer);
        assertThat(note).startsWith(checkpoint.body() + "\n\u2014 consent-ledger.example/log ");
        assertThat(Checkpoint.open(note, signer.verifier())).isEqualTo(checkpoint);
        assertThatThrownBy(() -> Checkpoint.open(note.replace("\n42\n", "\n43\n"), signer.verifier()))
                .isInstanceOf(InvalidProofException.class);
        NoteSigner misnamed = NoteSigner.generate("someone.else/log");
        assertThatThrownBy(() -> Checkpoint.open(checkpoint.sign(misnamed), misnamed.verifier()))
                .isInstanceOf(InvalidProofException.class).hasMessageContaining("origin");
        assertThatThrownBy(() -> Checkpoint.parseBody("origin\n042\n" + Hashes.base64(root) + "\n"))
                .isInstanceOf(InvalidProofException.class);
        assertThat(Checkpoint.parseBody("origin\n7\n" + Hashes.base64(root) + "\next one\n").extensions())
                .containsExactly("ext one");
        // tlog-checkpoint: the origin MUST be non-empty; no spaces or '+' is only a recommendation
        assertThat(Checkpoint.parseBody("odd origin+1\n0\n" + Hashes.base64(Hashes.emptyRoot()) + "\n").origin())
                .isEqualTo("odd origin+1");
        assertThatThrownBy(() -> Checkpoint.parseBody("\n0\n" + Hashes.base64(root) + "\n"))
                .isInstanceOf(InvalidProofException.class);
        // the example body of C2SP tlog-checkpoint.md
        Checkpoint example = Checkpoint.parseBody("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
        assertThat(example.size()).isEqualTo(20852163);
        assertThat(example.body()).isEqualTo("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
    }

    @Test
    void aTlogProofFormatsParsesAndVerifies() {
        NoteSigner signer = NoteSigner.generate("consent-ledger.example/log");
        byte[] leaf = Hashes.leafHash("only".getBytes(StandardCharsets.UTF_8));
        byte[] sibling = Hashes.leafHash("other".getBytes(StandardCharsets.UTF_8));
        byte[] root = Hashes.nodeHash(leaf, sibling);
        String note = new Checkpoint(signer.name(), 2, root).sign(signer);
        TlogProof proof = TlogProof.of("only".getBytes(StandardCharsets.UTF_8), new InclusionProof(0, 2, List.of(sibling)), note);
        String text = proof.format();
        assertThat(text).isEqualTo("c2sp.org/tlog-proof@v1\nextra b25seQ==\nindex 0\n" + Hashes.base64(sibling)
                                   + "\n\n" + note);
        TlogProof parsed = TlogProof.parse(text);
        assertThat(parsed.index()).isZero();
        assertThat(parsed.extra()).isEqualTo("only".getBytes(StandardCharsets.UTF_8));
        assertThat(parsed.checkpointNote()).isEqualTo(note);
        assertThat(parsed.verify(signer.verifier(), leaf).size()).isEqualTo(2);
        assertThatThrownBy(() -> parsed.verify(signer.verifier(), sibling)).isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> TlogProof.parse(text.replace("index 0", "index 1")).verify(signer.verifier(), leaf))
                .isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> TlogProof.parse(text.replace("@v1", "@v2"))).isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> TlogProof.parse(text.replace("index 0", "index 00"))).isInstanceOf(InvalidProofException.class);
    }
}
