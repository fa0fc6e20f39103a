package io.consentledger.command.unlink;

import io.consentledger.command.common.Acting;
import io.consentledger.command.common.LedgerRefusal;
import org.axonframework.commandhandling.GenericCommandMessage;
import io.consentledger.command.config.ProcessingGroups;
import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.common.RefusalReason;
import io.consentledger.contracts.common.RevocationReason;
import io.consentledger.contracts.consent.ConsentRequested;
import io.consentledger.contracts.consent.RevokeConsent;
import io.consentledger.contracts.link.BankAccountUnlinked;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;

/**
 * When a link is unlinked, every consent on it is revoked with initiator SYSTEM and reason ACCOUNT_UNLINKED.
 * Consents already terminal are left as they are. Any other failure propagates, so the processor retries.
 * <p>
 * Shares do not wait for this: the consent aggregate checks the link itself on every share.
 */
@ProcessingGroup(ProcessingGroups.LINK_CONSENTS)
public class UnlinkPropagation {

    private static final Logger log = LoggerFactory.getLogger(UnlinkPropagation.class);
    private static final Set<RefusalReason> ALREADY_OVER = Set.of(RefusalReason.CONSENT_REVOKED,
            RefusalReason.CONSENT_REJECTED, RefusalReason.CONSENT_EXPIRED);

    private final LinkConsents linkConsents;
    private final CommandGateway commands;

    public UnlinkPropagation(LinkConsents linkConsents, CommandGateway commands) {
        this.linkConsents = linkConsents;
        this.commands = commands;
    }

    @EventHandler
    void on(ConsentRequested event) {
        event.links().forEach(link -> linkConsents.add(link.linkId(), event.consentId()));
    }

    @EventHandler
    void on(BankAccountUnlinked event) {
        for (String consentId : linkConsents.consentsOf(event.linkId())) {
            try {
                // SYSTEM acts; principal and correlation id stay those of the unlink that caused it.
                commands.sendAndWait(GenericCommandMessage.asCommandMessage(
                        new RevokeConsent(consentId, RevocationReason.ACCOUNT_UNLINKED, Initiator.SYSTEM))
                        .andMetaData(Map.of(Acting.PARTY, Acting.SYSTEM)));
            } catch (RuntimeException failure) {
                LedgerRefusal refusal = refusalIn(failure);
                if (refusal == null || !ALREADY_OVER.contains(refusal.reason())) {
                    throw failure;
                }
                log.debug("Consent {} on unlinked link {} was already {}", consentId, event.linkId(), refusal.reason());
            }
        }
    }

    private static LedgerRefusal refusalIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof LedgerRefusal refusal) {
                return refusal;
            }
        }
        return null;
    }
}
