package io.consentledger.verifiable.merkle;

import io.consentledger.verifiable.json.Json;
import io.consentledger.verifiable.json.JsonException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inclusion proof of leaf {@code leafIndex} in the tree of {@code treeSize} leaves: sibling hashes from the leaf
 * up to the root's child. JSON: {@code {"hashes":[base64...],"leafIndex":n,"treeSize":n}}.
 */
public record InclusionProof(long leafIndex, long treeSize, List<byte[]> hashes) {

    public InclusionProof {
        hashes = List.copyOf(hashes);
    }

    /** Verifies this proof for {@code leafHash} against {@code root}. */
    public void verify(byte[] leafHash, byte[] root) {
        ProofVerifier.verifyInclusion(leafIndex, treeSize, leafHash, hashes, root);
    }

    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("leafIndex", leafIndex);
        json.put("treeSize", treeSize);
        json.put("hashes", hashes.stream().map(Hashes::base64).toList());
        return Json.canonical(json);
    }

    public static InclusionProof fromJson(String text) {
        Map<String, Object> json = Json.parseObject(text);
        return new InclusionProof(ProofJson.size(json, "leafIndex"), ProofJson.size(json, "treeSize"),
                                  ProofJson.hashes(json));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InclusionProof that && leafIndex == that.leafIndex && treeSize == that.treeSize
               && ProofJson.sameHashes(hashes, that.hashes);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(leafIndex * 31 + treeSize);
    }

    @Override
    public String toString() {
        return toJson();
    }

    /** Shared JSON reading of the two proof shapes. */
    static final class ProofJson {
        private ProofJson() {
        }

        static long size(Map<String, Object> json, String name) {
            if (!(json.get(name) instanceof Long value) || value < 0) {
                throw new JsonException("\"" + name + "\" must be a non-negative integer");
            }
            return value;
        }

        static List<byte[]> hashes(Map<String, Object> json) {
            if (!(json.get("hashes") instanceof List<?> list)) {
                throw new JsonException("\"hashes\" must be an array of base64 hashes");
            }
            return list.stream().map(item -> {
                if (!(item instanceof String text)) {
                    throw new JsonException("\"hashes\" must be an array of base64 hashes");
                }
                return Hashes.fromBase64(text);
            }).toList();
        }

        static boolean sameHashes(List<byte[]> a, List<byte[]> b) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!java.util.Arrays.equals(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
    }
}
