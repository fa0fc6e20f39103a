package io.consentledger.contracts.share;

import io.consentledger.contracts.common.Checks;
import io.consentledger.contracts.common.Purpose;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A provider shares a link's transactions with the consent's recipient. {@code shareId} names this access. */
public record ShareTransactions(@TargetAggregateIdentifier String consentId,
                                String shareId,
                                String linkId,
                                List<SharedTransaction> transactions,
                                Purpose purpose) {

    public static final int MAX_TRANSACTIONS = 1000;

    public ShareTransactions {
        Checks.id(consentId, "consentId");
        Checks.id(shareId, "shareId");
        Checks.id(linkId, "linkId");
        Checks.notEmpty(transactions, "transactions");
        if (transactions.size() > MAX_TRANSACTIONS) {
            throw new IllegalArgumentException("transactions must hold at most " + MAX_TRANSACTIONS + " entries");
        }
        Set<String> ids = new HashSet<>();
        for (SharedTransaction transaction : transactions) {
            if (!ids.add(transaction.transactionId())) {
                throw new IllegalArgumentException("transactions[].transactionId must not repeat within a share");
            }
        }
        Checks.required(purpose, "purpose");
        transactions = List.copyOf(transactions);
    }
}
