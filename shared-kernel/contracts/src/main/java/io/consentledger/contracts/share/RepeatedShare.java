package io.consentledger.contracts.share;

/**
 * What the consent answers to a share whose {@code shareId} it has already recorded with the same content: the first
 * answer again ({@code firstAnswer}: the share id for a balance, the transaction ids that were new for transactions),
 * marked as a repeat so that the API can tell the client the answer is a replay ({@code Idempotency-Replayed: true}),
 * as it does when the answer comes from the key's stored outcome.
 *
 * @param firstAnswer the handler's answer the first time
 */
public record RepeatedShare(Object firstAnswer) {
}
