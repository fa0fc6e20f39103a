package io.consentledger.verifiable.merkle;

import io.consentledger.verifiable.tiles.TileAppender;
import io.consentledger.verifiable.tiles.Tiles;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The RFC 6962 test vectors of transparency-dev/merkle: the 8 leaves, node hashes and roots of
 * {@code testonly/constants.go}, and the inclusion and consistency proofs of {@code proof/verify_test.go} (whose leaf
 * numbers are 1-based there, 0-based here), with that file's corruptions, which must all fail.
 */
class Rfc6962VectorsTest {

    private static final HexFormat HEX = HexFormat.of();

    /** testonly/constants.go LeafInputs(). */
    static final List<byte[]> LEAF_INPUTS = List.of(hex(""), hex("00"), hex("10"), hex("2021"), hex("3031"),
                                                    hex("40414243"), hex("5051525354555657"),
                                                    hex("606162636465666768696a6b6c6d6e6f"));

    /** testonly/constants.go NodeHashes()[0]: the leaf hashes. */
    static final List<String> LEAF_HASHES = List.of(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
            "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1");

    /** testonly/constants.go RootHashes(): the roots of sizes 0 to 8. */
    static final List<String> ROOTS = List.of(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

    /** proof/verify_test.go inclusionProofs (leaf converted to 0-based): index, size, proof. */
    record Inclusion(long index, long size, List<String> proof) {
    }

    static final List<Inclusion> INCLUSION = List.of(
            new Inclusion(0, 8, List.of(
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
            new Inclusion(5, 8, List.of(
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
            new Inclusion(2, 3, List.of(
                    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
            new Inclusion(1, 5, List.of(
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
            new Inclusion(0, 1, List.of()));

    /** proof/verify_test.go consistencyProofs: size1, size2, proof. */
    record Consistency(long from, long to, List<String> proof) {
    }

    static final List<Consistency> CONSISTENCY = List.of(
            new Consistency(1, 1, List.of()),
            new Consistency(1, 8, List.of(
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
            new Consistency(6, 8, List.of(
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
            new Consistency(2, 5, List.of(
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
            new Consistency(6, 7, List.of(
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")));

    private static final byte[] SOME_HASH = hex("abacaba000000000000000000000000000000000000000000060061e00123456");
    private static final byte[] EMPTY_ROOT = hex(ROOTS.get(0));

    private static byte[] hex(String hex) {
        return HEX.parseHex(hex);
    }

    private static List<byte[]> hashes(List<String> hex) {
        return hex.stream().map(Rfc6962VectorsTest::hex).toList();
    }

    private static List<byte[]> leafHashes() {
        return LEAF_INPUTS.stream().map(Hashes::leafHash).toList();
    }

    private static byte[] root(long size) {
        return hex(ROOTS.get((int) size));
    }

    @Test
    void leafHashesAreTheVectors() {
        assertThat(leafHashes()).extracting(HEX::formatHex).containsExactlyElementsOf(LEAF_HASHES);
    }

    @Test
    void rootsOfSizesZeroToEightAreTheVectors_naiveAndFromTiles() {
        LeafHashes tree = new LeafHashes(leafHashes());
        List<byte[]> prefixRoots = LeafHashes.prefixRoots(leafHashes());
        for (int size = 0; size <= 8; size++) {
            HashSource tiles = Tiles.hashSource(TileAppender.append(0, List.of(), leafHashes().subList(0, size)));
            assertThat(HEX.formatHex(tree.naiveRoot(size))).as("naive root %d", size).isEqualTo(ROOTS.get(size));
            assertThat(HEX.formatHex(MerkleProofs.root(size, tiles))).as("tile root %d", size).isEqualTo(ROOTS.get(size));
            assertThat(HEX.formatHex(prefixRoots.get(size))).as("prefix root %d", size).isEqualTo(ROOTS.get(size));
        }
    }

    @Test
    void emptyRootIsTheHashOfNothing() {
        assertThat(Hashes.emptyRoot()).isEqualTo(EMPTY_ROOT);
        assertThat(Hashes.emptyRoot()).isEqualTo(Hashes.sha256("".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void inclusionProofsAreGeneratedAsTheVectorsAndVerify() {
        HashSource tiles = Tiles.hashSource(TileAppender.append(0, List.of(), leafHashes()));
        for (Inclusion vector : INCLUSION) {
            InclusionProof generated = MerkleProofs.inclusion(vector.index(), vector.size(), tiles);
            assertThat(generated.hashes()).extracting(HEX::formatHex).as("proof %s", vector)
                                          .containsExactlyElementsOf(vector.proof());
            byte[] leafHash = leafHashes().get((int) vector.index());
            assertThatCode(() -> generated.verify(leafHash, root(vector.size()))).doesNotThrowAnyException();
            assertThat(ProofVerifier.rootFromInclusion(vector.index(), vector.size(), leafHash, hashes(vector.proof())))
                    .isEqualTo(root(vector.size()));
        }
    }

    @Test
    void corruptedInclusionProofsFail() {
        for (Inclusion vector : INCLUSION) {
            long index = vector.index();
            long size = vector.size();
            byte[] root = root(size);
            byte[] leaf = leafHashes().get((int) index);
            List<byte[]> proof = hashes(vector.proof());
            List<Runnable> probes = new ArrayList<>();
            probes.add(() -> ProofVerifier.verifyInclusion(index - 1, size, leaf, proof, root));
            probes.add(() -> ProofVerifier.verifyInclusion(index + 1, size, leaf, proof, root));
            probes.add(() -> ProofVerifier.verifyInclusion(index ^ 2, size, leaf, proof, root));
            probes.add(() -> ProofVerifier.verifyInclusion(index, size * 2, leaf, proof, root));
            probes.add(() -> ProofVerifier.verifyInclusion(index, size / 2, leaf, proof, root));
            probes.add(() -> ProofVerifier.verifyInclusion(index, size, "WrongLeaf".getBytes(), proof, root));
            probes.add(() -> ProofVerifier.verifyInclusion(index, size, leaf, proof, EMPTY_ROOT));
            probes.add(() -> ProofVerifier.verifyInclusion(index, size, leaf, proof, SOME_HASH));
            probes.add(() -> ProofVerifier.verifyInclusion(index, size, leaf, append(proof, new byte[0]), root));
            probes.add(() -> ProofVerifier.verifyInclusion(index, size, leaf, append(proof, root), root));
            probes.add(() -> ProofVerifier.verifyInclusion(index, size, leaf, prepend(proof, new byte[0]), root));
            probes.add(() -> ProofVerifier.verifyInclusion(index, size, leaf, prepend(proof, root), root));
            for (int i = 0; i < proof.size(); i++) {
                List<byte[]> flipped = flipBit(proof, i, 8);
                probes.add(() -> ProofVerifier.verifyInclusion(index, size, leaf, flipped, root));
            }
            if (!proof.isEmpty()) {
                probes.add(() -> ProofVerifier.verifyInclusion(index, size, leaf, proof.subList(0, proof.size() - 1), root));
            }
            if (proof.size() > 1) {
                List<byte[]> inserted = new ArrayList<>(proof);
                inserted.add(1, SOME_HASH);
                probes.add(() -> ProofVerifier.verifyInclusion(index, size, leaf, inserted, root));
            }
            for (int p = 0; p < probes.size(); p++) {
                Runnable probe = probes.get(p);
                assertThatThrownBy(probe::run).as("probe %d of %s", p, vector).isInstanceOf(InvalidProofException.class);
            }
        }
    }

    @Test
    void consistencyProofsAreGeneratedAsTheVectorsAndVerify() {
        HashSource tiles = Tiles.hashSource(TileAppender.append(0, List.of(), leafHashes()));
        for (Consistency vector : CONSISTENCY) {
            ConsistencyProof generated = MerkleProofs.consistency(vector.from(), vector.to(), tiles);
            assertThat(generated.hashes()).extracting(HEX::formatHex).as("proof %s", vector)
                                          .containsExactlyElementsOf(vector.proof());
            assertThatCode(() -> generated.verify(root(vector.from()), root(vector.to()))).doesNotThrowAnyException();
        }
    }

    @Test
    void corruptedConsistencyProofsFail() {
        for (Consistency vector : CONSISTENCY) {
            List<byte[]> proof = hashes(vector.proof());
            if (proof.isEmpty()) {
                continue; // as in verify_test.go: only non-trivial proofs are corrupted
            }
            long from = vector.from();
            long to = vector.to();
            byte[] root1 = root(from);
            byte[] root2 = root(to);
            List<Runnable> probes = new ArrayList<>();
            probes.add(() -> ProofVerifier.verifyConsistency(from - 1, to, proof, root1, root2));
            probes.add(() -> ProofVerifier.verifyConsistency(from + 1, to, proof, root1, root2));
            probes.add(() -> ProofVerifier.verifyConsistency(from ^ 2, to, proof, root1, root2));
            probes.add(() -> ProofVerifier.verifyConsistency(from, to * 2, proof, root1, root2));
            probes.add(() -> ProofVerifier.verifyConsistency(from, to / 2, proof, root1, root2));
            probes.add(() -> ProofVerifier.verifyConsistency(from, to, proof, "WrongRoot".getBytes(), root2));
            probes.add(() -> ProofVerifier.verifyConsistency(from, to, proof, root1, "WrongRoot".getBytes()));
            probes.add(() -> ProofVerifier.verifyConsistency(from, to, proof, root2, root1));
            probes.add(() -> ProofVerifier.verifyConsistency(from, to, List.of(), root1, root2));
            probes.add(() -> ProofVerifier.verifyConsistency(from, to, append(proof, new byte[0]), root1, root2));
            probes.add(() -> ProofVerifier.verifyConsistency(from, to, append(proof, root1), root1, root2));
            probes.add(() -> ProofVerifier.verifyConsistency(from, to, append(proof, root2), root1, root2));
            probes.add(() -> ProofVerifier.verifyConsistency(from, to, prepend(proof, new byte[0]), root1, root2));
            probes.add(() -> ProofVerifier.verifyConsistency(from, to, prepend(proof, root1), root1, root2));
            probes.add(() -> ProofVerifier.verifyConsistency(from, to, prepend(proof, root2), root1, root2));
            probes.add(() -> ProofVerifier.verifyConsistency(from, to, prepend(proof, proof.get(0)), root1, root2));
            probes.add(() -> ProofVerifier.verifyConsistency(from, to, proof.subList(0, proof.size() - 1), root1, root2));
            for (int i = 0; i < proof.size(); i++) {
                List<byte[]> flipped = flipBit(proof, i, 16);
                probes.add(() -> ProofVerifier.verifyConsistency(from, to, flipped, root1, root2));
            }
            for (int p = 0; p < probes.size(); p++) {
                Runnable probe = probes.get(p);
                assertThatThrownBy(probe::run).as("probe %d of %s", p, vector).isInstanceOf(InvalidProofException.class);
            }
        }
    }

    /** proof/verify_test.go TestVerifyConsistency's table of edge cases. */
    @Test
    void consistencyEdgeCases() {
        byte[] root1 = "don't care 1".getBytes();
        byte[] root2 = "don't care 2".getBytes();
        List<byte[]> none = List.of();
        List<byte[]> one = List.of(EMPTY_ROOT);
        assertThatThrownBy(() -> ProofVerifier.verifyConsistency(0, 0, none, root1, root2)).isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> ProofVerifier.verifyConsistency(1, 1, none, root1, root2)).isInstanceOf(InvalidProofException.class);
        assertThatCode(() -> ProofVerifier.verifyConsistency(0, 0, none, root1, root1)).doesNotThrowAnyException();
        assertThatCode(() -> ProofVerifier.verifyConsistency(0, 1, none, root1, root2)).doesNotThrowAnyException();
        assertThatCode(() -> ProofVerifier.verifyConsistency(1, 1, none, root2, root2)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ProofVerifier.verifyConsistency(1, 0, none, root1, root2)).isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> ProofVerifier.verifyConsistency(2, 1, none, root1, root2)).isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> ProofVerifier.verifyConsistency(1, 2, none, root1, root2)).isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> ProofVerifier.verifyConsistency(0, 0, none, EMPTY_ROOT, root2)).isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> ProofVerifier.verifyConsistency(1, 1, none, EMPTY_ROOT, root2)).isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> ProofVerifier.verifyConsistency(0, 0, one, EMPTY_ROOT, EMPTY_ROOT)).isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> ProofVerifier.verifyConsistency(0, 1, one, EMPTY_ROOT, EMPTY_ROOT)).isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> ProofVerifier.verifyConsistency(1, 1, one, EMPTY_ROOT, EMPTY_ROOT)).isInstanceOf(InvalidProofException.class);
    }

    /** proof/verify_test.go TestVerifyInclusion's invalid probes and TestVerifyInclusionSingleEntry. */
    @Test
    void inclusionEdgeCases() {
        long[][] probes = {{0, 0}, {0, 1}, {1, 0}, {2, 1}};
        for (long[] p : probes) {
            assertThatThrownBy(() -> ProofVerifier.verifyInclusion(p[0], p[1], SOME_HASH, List.of(), new byte[0]))
                    .isInstanceOf(InvalidProofException.class);
            assertThatThrownBy(() -> ProofVerifier.verifyInclusion(p[0], p[1], new byte[0], List.of(), EMPTY_ROOT))
                    .isInstanceOf(InvalidProofException.class);
            assertThatThrownBy(() -> ProofVerifier.verifyInclusion(p[0], p[1], SOME_HASH, List.of(), EMPTY_ROOT))
                    .isInstanceOf(InvalidProofException.class);
        }
        byte[] hash = Hashes.leafHash("data".getBytes(StandardCharsets.UTF_8));
        assertThatCode(() -> ProofVerifier.verifyInclusion(0, 1, hash, List.of(), hash)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ProofVerifier.verifyInclusion(0, 1, new byte[0], List.of(), hash)).isInstanceOf(InvalidProofException.class);
        assertThatThrownBy(() -> ProofVerifier.verifyInclusion(0, 1, hash, List.of(), new byte[0])).isInstanceOf(InvalidProofException.class);
    }

    @Test
    void proofJsonRoundTrips() {
        InclusionProof inclusion = new InclusionProof(5, 8, hashes(INCLUSION.get(1).proof()));
        assertThat(inclusion.toJson()).startsWith("{\"hashes\":[\"vBoGQ7EuTS18d5GPROD09")
                                      .endsWith("],\"leafIndex\":5,\"treeSize\":8}");
        assertThat(InclusionProof.fromJson(inclusion.toJson())).isEqualTo(inclusion);
        ConsistencyProof consistency = new ConsistencyProof(2, 5, hashes(CONSISTENCY.get(3).proof()));
        assertThat(consistency.toJson()).startsWith("{\"from\":2,\"hashes\":[").endsWith("],\"to\":5}");
        assertThat(ConsistencyProof.fromJson(consistency.toJson())).isEqualTo(consistency);
        assertThatThrownBy(() -> InclusionProof.fromJson("{\"leafIndex\":-1,\"treeSize\":8,\"hashes\":[]}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConsistencyProof.fromJson("{\"from\":1,\"to\":8,\"hashes\":[\"AAAA\"]}"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<byte[]> append(List<byte[]> proof, byte[] hash) {
        List<byte[]> copy = new ArrayList<>(proof);
        copy.add(hash);
        return copy;
    }

    private static List<byte[]> prepend(List<byte[]> proof, byte[] hash) {
        List<byte[]> copy = new ArrayList<>(proof);
        copy.add(0, hash);
        return copy;
    }

    private static List<byte[]> flipBit(List<byte[]> proof, int i, int mask) {
        List<byte[]> copy = new ArrayList<>(proof);
        byte[] changed = copy.get(i).clone();
        changed[0] ^= (byte) mask;
        copy.set(i, changed);
        return copy;
    }
}
