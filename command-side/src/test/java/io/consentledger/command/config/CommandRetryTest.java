package io.consentledger.command.config;

import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.contracts.common.RefusalReason;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandRetryTest {

    record Touch(String id) {
    }

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final SimpleCommandBus bus = SimpleCommandBus.builder().build();
    private final CommandGateway gateway = DefaultCommandGateway.builder().commandBus(bus)
            .retryScheduler(CommandRetryConfiguration.retryOnConcurrentModificationOnly(executor, 3, 1)).build();
    private final AtomicInteger attempts = new AtomicInteger();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aCommandThatLostAConcurrencyRaceIsDispatchedAgain() {
        bus.subscribe(Touch.class.getName(), message -> {
            if (attempts.incrementAndGet() < 3) {
                // as the event store raises it: with the store's duplicate-key error as its cause
                throw new ConcurrencyException("another instance appended first",
                                               new IllegalStateException("E11000 duplicate key error"));
            }
            return "done";
        });

        Object result = gateway.sendAndWait(new Touch("a"));

        assertThat(result).isEqualTo("done");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void aRefusalIsNotRetried() {
        bus.subscribe(Touch.class.getName(), message -> {
            attempts.incrementAndGet();
            throw LedgerRefusal.of(RefusalReason.CONSENT_REVOKED, "revoked");
        });

        assertThatThrownBy(() -> gateway.sendAndWait(new Touch("a"))).isInstanceOf(LedgerRefusal.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void givesUpAfterTheLastRetry() {
        bus.subscribe(Touch.class.getName(), message -> {
            attempts.incrementAndGet();
            throw new ConcurrencyException("always");
        });

        assertThatThrownBy(() -> gateway.sendAndWait(new Touch("a"))).isInstanceOf(ConcurrencyException.class);
        assertThat(attempts).hasValue(4);
    }
}
