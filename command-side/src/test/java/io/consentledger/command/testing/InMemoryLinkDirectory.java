package io.consentledger.command.testing;

import io.consentledger.command.consent.LinkDirectory;
import io.consentledger.command.consent.LinkView;
import io.consentledger.contracts.link.LinkStatus;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The aggregate fixture's stand-in for the link repository. */
public final class InMemoryLinkDirectory implements LinkDirectory {

    private final Map<String, LinkView> links = new ConcurrentHashMap<>();

    public InMemoryLinkDirectory link(String linkId, String customerId, String providerId, String currency) {
        links.put(linkId, new LinkView(linkId, customerId, providerId, "acc-" + linkId, currency, LinkStatus.LINKED));
        return this;
    }

    public void unlink(String linkId) {
        links.computeIfPresent(linkId, (id, l) -> new LinkView(l.linkId(), l.customerId(), l.providerId(), l.accountId(),
                l.currency(), LinkStatus.UNLINKED));
    }

    @Override
    public Optional<LinkView> find(String linkId) {
        return Optional.ofNullable(links.get(linkId));
    }
}
