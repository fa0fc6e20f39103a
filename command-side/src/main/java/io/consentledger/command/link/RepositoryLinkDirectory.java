package io.consentledger.command.link;

import io.consentledger.command.consent.LinkDirectory;
import io.consentledger.command.consent.LinkView;
import org.axonframework.eventsourcing.IncompatibleAggregateException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.Repository;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * Loads the link aggregate through Axon's repository, inside the current unit of work. Read-only: it applies nothing.
 */
@Component
public class RepositoryLinkDirectory implements LinkDirectory {

    private final Repository<BankAccountLink> links;

    public RepositoryLinkDirectory(Repository<BankAccountLink> bankAccountLinkRepository) {
        this.links = bankAccountLinkRepository;
    }

    @Override
    public Optional<LinkView> find(String linkId) {
        try {
            return Optional.ofNullable(links.load(linkId).invoke(BankAccountLink::view));
        } catch (AggregateNotFoundException | IncompatibleAggregateException unknown) {
            // Incompatible: the id names a consent, not a link.
            return Optional.empty();
        }
    }
}
