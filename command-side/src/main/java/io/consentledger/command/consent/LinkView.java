package io.consentledger.command.consent;

import io.consentledger.contracts.link.LinkStatus;

/** What the consent aggregate needs to know of a link. */
public record LinkView(String linkId, String customerId, String providerId, String accountId, String currency, LinkStatus status) {

    public boolean isLinked() {
        return status == LinkStatus.LINKED;
    }
}
