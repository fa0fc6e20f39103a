package io.consentledger.command.common;

import io.consentledger.contracts.metadata.Attribution;
import io.consentledger.contracts.metadata.PartyLabel;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;

import java.util.HashMap;
import java.util.Map;

/**
 * The one way the ledger's own processors send a command: as party {@code SYSTEM}. Without a principal of its own,
 * principal and correlation id stay those of the message being handled (copied by the correlation data provider).
 */
public final class SystemCommands {

    private SystemCommands() {
    }

    /** Sends {@code command} as SYSTEM and waits for its result; {@code principal} may be null. */
    public static <R> R sendAndWait(CommandGateway gateway, Object command, String principal) {
        Map<String, Object> metaData = new HashMap<>();
        metaData.put(Attribution.PARTY, PartyLabel.SYSTEM.value());
        if (principal != null) {
            metaData.put(Attribution.PRINCIPAL, principal);
        }
        return gateway.sendAndWait(GenericCommandMessage.asCommandMessage(command).andMetaData(metaData));
    }
}
