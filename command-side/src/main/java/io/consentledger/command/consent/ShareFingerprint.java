package io.consentledger.command.consent;

import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.ShareBalance;
import io.consentledger.contracts.share.ShareTransactions;
import io.consentledger.contracts.share.TransactionFacts;
import io.consentledger.contracts.share.TransactionsShared;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The content of a share as far as its event keeps it, reduced to 128 bits of SHA-256 (22 characters): the same for a
 * command and for the event it recorded, so a repeated {@code shareId} is recognised as the same share or another one
 * without the consent keeping the share's content. Amounts compare by value ({@code 1.50} is {@code 1.5}); the
 * transactions' descriptions and merchants are not in the event and so not in the fingerprint.
 */
final class ShareFingerprint {

    private static final int BYTES = 16;

    private ShareFingerprint() {
    }

    static String of(ShareBalance command) {
        return balance(command.linkId(), command.purpose().name(), command.amount(), command.currency(), command.asOf());
    }

    /** Null once the customer's data is erased (issue 16): the event no longer holds the content. */
    static String of(BalanceShared event) {
        if (event.amount() == null || event.currency() == null || event.asOf() == null) {
            return null;
        }
        return balance(event.linkId(), event.purpose().name(), event.amount(), event.currency(), event.asOf());
    }

    static String of(ShareTransactions command) {
        return transactions(command.linkId(), command.purpose().name(),
                command.transactions().stream().map(TransactionFacts::of).toList());
    }

    /**
     * Null for an event recorded before transactions' facts were (it keeps too little to tell two shares apart), and
     * once the customer's data is erased (issue 16).
     */
    static String of(TransactionsShared event) {
        if (event.transactions() == null || event.transactions().isEmpty()
                || event.transactions().stream().anyMatch(t -> t == null || t.amount() == null || t.bookedAt() == null)) {
            return null;
        }
        return transactions(event.linkId(), event.purpose().name(), event.transactions());
    }

    private static String balance(String linkId, String purpose, BigDecimal amount, String currency, Instant asOf) {
        return digest(List.of("balance", linkId, purpose, amount(amount), currency, asOf.toString()));
    }

    private static String transactions(String linkId, String purpose, List<TransactionFacts> transactions) {
        String[] fields = new String[3 + 5 * transactions.size()];
        fields[0] = "transactions";
        fields[1] = linkId;
        fields[2] = purpose;
        int i = 3;
        for (TransactionFacts t : transactions) {
            fields[i++] = t.transactionId();
            fields[i++] = t.bookedAt().toString();
            fields[i++] = amount(t.amount());
            fields[i++] = t.currency();
            fields[i++] = t.channel();
        }
        return digest(Arrays.asList(fields));
    }

    private static String amount(BigDecimal amount) {
        return amount.stripTrailingZeros().toPlainString();
    }

    /** Each field with its length in front, so that no two lists of fields give the same input. */
    private static String digest(List<String> fields) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (String field : fields) {
                byte[] bytes = String.valueOf(field).getBytes(StandardCharsets.UTF_8);
                sha256.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
                sha256.update(bytes);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(sha256.digest(), BYTES));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
