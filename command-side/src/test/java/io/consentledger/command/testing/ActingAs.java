package io.consentledger.command.testing;

import io.consentledger.contracts.common.Initiator;
import io.consentledger.contracts.consent.RejectConsent;
import io.consentledger.contracts.consent.RequestConsent;
import io.consentledger.contracts.consent.RevokeConsent;
import io.consentledger.contracts.link.LinkBankAccount;
import io.consentledger.contracts.metadata.Attribution;
import io.consentledger.contracts.metadata.PartyLabel;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * For aggregate fixtures: a command without any metadata is sent as its natural owner would send it
 * (the recipient it names, the provider {@code bank-1}, SYSTEM for SYSTEM-initiated revocations). Tests that need
 * another party (or none) pass metadata explicitly.
 */
public final class ActingAs {

    private ActingAs() {
    }

    public static MessageDispatchInterceptor<CommandMessage<?>> naturalOwner(String provider) {
        return (List<? extends CommandMessage<?>> messages) -> (BiFunction<Integer, CommandMessage<?>, CommandMessage<?>>) (i, m) -> {
            if (!m.getMetaData().isEmpty()) {
                return m;
            }
            return m.andMetaData(Map.of(Attribution.PARTY, partyOf(m.getPayload(), provider)));
        };
    }

    static String partyOf(Object command, String provider) {
        if (command instanceof RequestConsent request) {
            return PartyLabel.of(PartyLabel.RECIPIENT, request.recipientId()).value();
        }
        if (command instanceof LinkBankAccount link) {
            return PartyLabel.of(PartyLabel.PROVIDER, link.providerId()).value();
        }
        if (command instanceof RevokeConsent revoke && revoke.initiator() == Initiator.RECIPIENT) {
            return "RECIPIENT:messenger";
        }
        if (command instanceof RevokeConsent revoke && revoke.initiator() == Initiator.SYSTEM
                || command instanceof RejectConsent reject && reject.initiator() == Initiator.SYSTEM) {
            return PartyLabel.SYSTEM.value();
        }
        return "PROVIDER:" + provider;
    }
}
