package io.consentledger.command.unlink;

import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.command.common.SystemCommands;
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

import java.util.Set;

/**
 * When a link is unlinked, every consent on it is revoked with initiator SYSTEM and reason ACCOUNT_UNLINKED.
 * Consents already terminal are left as they are. Any other failure propagates, so the processor retries.
 * <p>
 * Shares do not wait for this: the consent aggregate checks the link itself on every share.
 */
@ProcessingGroup(UnlinkPropagation.PROCESSING_GROUP)
public class UnlinkPropagation {

    /** Its processor; errors propagate, so a failed event is retried from the token. */
    public static final String PROCESSING_GROUP = "link-consents";

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
                SystemCommands.sendAndWait(commands,
                        new RevokeConsent(consentId, RevocationReason.ACCOUNT_UNLINKED, Initiator.SYSTEM), null);
            } catch (RuntimeException failure) {
                LedgerRefusal refusal = LedgerRefusal.in(failure).orElse(null);
                if (refusal == null || !ALREADY_OVER.contains(refusal.reason())) {
                    throw failure;
                }
                log.debug("Consent {} on unlinked link {} was already {}", consentId, event.linkId(), refusal.reason());
            }
        }
    }
}
