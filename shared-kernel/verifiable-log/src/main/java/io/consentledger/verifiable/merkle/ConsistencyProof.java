package io.consentledger.verifiable.merkle;

import io.consentledger.verifiable.json.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The consistency proof that the tree of {@code from} leaves is a prefix of the tree of {@code to} leaves.
 * JSON: {@code {"from":n,"hashes":[base64...],"to":n}}.
 */
public record ConsistencyProof(long from, long to, List<byte[]> hashes) {

    public ConsistencyProof {
        hashes = List.copyOf(hashes);
    }

    /** Verifies this proof between the two roots. */
    public void verify(byte[] fromRoot, byte[] toRoot) {
        ProofVerifier.verifyConsistency(from, to, hashes, fromRoot, toRoot);
    }

    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("from", from);
        json.put("to", to);
        json.put("hashes", hashes.stream().map(Hashes::base64).toList());
        return Json.canonical(json);
    }

    public static ConsistencyProof fromJson(String text) {
        Map<String, Object> json = Json.parseObject(text);
        return new ConsistencyProof(InclusionProof.ProofJson.size(json, "from"),
                                    InclusionProof.ProofJson.size(json, "to"), InclusionProof.ProofJson.hashes(json));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConsistencyProof that && from == that.from && to == that.to
               && InclusionProof.ProofJson.sameHashes(hashes, that.hashes);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(from * 31 + to);
    }

    @Override
    public String toString() {
        return toJson();
    }
}
