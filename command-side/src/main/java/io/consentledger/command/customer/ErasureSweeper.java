package io.consentledger.command.customer;

import io.consentledger.command.common.SystemCommands;
import io.consentledger.contracts.customer.EraseCustomerData;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * Sends {@link EraseCustomerData} for every customer whose erasure is pending and due, like the expiry sweep: safe on
 * any number of instances (the command is idempotent and optimistic concurrency lets one CustomerDataErased in), and
 * a failed command is retried by the next sweep.
 */
public class ErasureSweeper {

    private static final Logger log = LoggerFactory.getLogger(ErasureSweeper.class);
    static final String PRINCIPAL = "erasure-sweeper";

    private final CustomerDirectory directory;
    private final CommandGateway commands;
    private final Clock clock;

    public ErasureSweeper(CustomerDirectory directory, CommandGateway commands, Clock clock) {
        this.directory = directory;
        this.commands = commands;
        this.clock = clock;
    }

    /** @return how many customers this sweep erased */
    public int sweep() {
        int erased = 0;
        for (CustomerDirectory.Entry entry : directory.pendingDue(clock.instant())) {
            int slash = entry.subjectId().indexOf('/');
            EraseCustomerData command = new EraseCustomerData(entry.subjectId().substring(0, slash),
                                                              entry.subjectId().substring(slash + 1));
            try {
                if (Boolean.TRUE.equals(SystemCommands.sendAndWait(commands, command, PRINCIPAL))) {
                    erased++;
                }
            } catch (AggregateNotFoundException unknown) {
                // the directory ran ahead of the store: nothing to erase yet
            } catch (RuntimeException failure) {
                log.warn("Erasing a customer's data failed ({}); will retry", failure.getClass().getSimpleName());
            }
        }
        if (erased > 0) {
            log.info("Erased the personal data of {} customers", erased);
        }
        return erased;
    }
}
