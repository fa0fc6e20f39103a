package io.consentledger.command.expiry;

import io.consentledger.command.CommandSideApplication;
import io.consentledger.command.testing.HttpTestSupport;
import io.consentledger.command.testing.MutableClock;
import io.consentledger.contracts.consent.ConsentExpired;
import io.consentledger.eventstore.embedded.EmbeddedMongoServer;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The expiry path end to end on the embedded store: the tracking projection records the expiry minute, the sweeper
 * (driven by a hand-moved clock) sends ExpireConsent, and ConsentExpired is appended exactly once.
 */
class ExpirySweepTest extends HttpTestSupport {

    @Autowired
    ExpiryBuckets buckets;
    @Autowired
    ExpirySweeper sweeper;
    @Autowired
    CommandGateway commands;
    @Autowired
    EmbeddedMongoServer embeddedServer;

    /** An authorised consent expiring a few minutes from now, once its expiry minute is recorded. */
    private String[] consentExpiringAt(Instant expiresAt) {
        String linkId = link(id("cust"));
        String consentId = id("consent");
        Response requested = post("/api/v1/consents", """
                {"consentId": "%s", "recipientId": "messenger", "linkIds": ["%s"], "scopes": ["BALANCES"],
                 "purposes": ["FRAUD_ALERTS"], "expiresAt": "%s", "window": {"lookbackDays": 30}, "frequency": {"maxPerDay": 5}}
                """.formatted(consentId, linkId, expiresAt));
        assertThat(requested.status()).as(requested.raw()).isEqualTo(201);
        assertThat(post("/api/v1/consents/" + consentId + "/authorise", evidenceJson()).status()).isEqualTo(200);
        long minute = ExpiryBuckets.minuteOf(expiresAt);
        await().atMost(Duration.ofSeconds(20)).until(() -> buckets.between(minute, minute).stream()
                                                                  .anyMatch(b -> b.consentIds().contains(consentId)));
        return new String[]{linkId, consentId};
    }

    private long expiredEventsOf(String consentId) {
        return eventsOf(consentId).stream().filter(ConsentExpired.class::isInstance).count();
    }

    @Test
    void theSweeperRecordsTheExpiryOnceItIsDue() {
        Instant expiresAt = clock.instant().plus(3, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES).plusSeconds(20);
        String[] ids = consentExpiringAt(expiresAt);

        clock.set(expiresAt.minusMillis(1));
        sweeper.sweep();
        assertThat(expiredEventsOf(ids[1])).isZero();
        assertThat(post("/api/v1/consents/" + ids[1] + "/shares/balance", balanceJson(ids[0], "1", "EUR")).status()).isEqualTo(201);

        clock.set(expiresAt);
        Response share = post("/api/v1/consents/" + ids[1] + "/shares/balance", balanceJson(ids[0], "1", "EUR"));
        assertThat(share.status()).isEqualTo(409);
        assertThat(share.text("code")).isEqualTo("CONSENT_EXPIRED");
        sweeper.sweep();
        assertThat(eventsOf(ids[1])).filteredOn(ConsentExpired.class::isInstance).singleElement()
                                    .satisfies(e -> assertThat(((ConsentExpired) e).recordedAt()).isEqualTo(expiresAt));

        clock.advance(Duration.ofMinutes(2));
        sweeper.sweep();
        sweeper.sweep();
        assertThat(expiredEventsOf(ids[1])).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> buckets.between(ExpiryBuckets.minuteOf(expiresAt),
                ExpiryBuckets.minuteOf(expiresAt)).stream().noneMatch(b -> b.consentIds().contains(ids[1])));
    }

    @Test
    void aReauthorisedConsentIsNotExpiredAtItsOldExpiry() {
        Instant expiresAt = clock.instant().plus(3, ChronoUnit.MINUTES);
        String[] ids = consentExpiringAt(expiresAt);
        Response reauthorised = post("/api/v1/consents/" + ids[1] + "/reauthorise", """
                {"expiresAt": "%s", "evidence": {"channel": "APP", "authorisedAt": "%s", "disclosureVersion": "tc-8"}}
                """.formatted(clock.instant().plus(30, ChronoUnit.DAYS), clock.instant()));
        assertThat(reauthorised.status()).as(reauthorised.raw()).isEqualTo(200);
        clock.set(expiresAt.plusSeconds(90));
        sweeper.sweep();
        assertThat(expiredEventsOf(ids[1])).isZero();
    }

    @Test
    void aSweeperStartedAfterADowntimeCatchesUp() {
        Instant expiresAt = clock.instant().plus(2, ChronoUnit.MINUTES);
        String[] ids = consentExpiringAt(expiresAt);
        // A fresh sweeper, as after a restart, three hours after the expiry: the buckets and cursor are in MongoDB.
        clock.set(expiresAt.plus(3, ChronoUnit.HOURS));
        new ExpirySweeper(new ExpiryBuckets(database()), commands, clock, 5).sweep();
        assertThat(expiredEventsOf(ids[1])).isEqualTo(1);
    }

    @Test
    void twoInstancesSweepingAtOnceRecordExactlyOneExpiry() throws Exception {
        Instant expiresAt = clock.instant().plus(2, ChronoUnit.MINUTES);
        String[] ids = consentExpiringAt(expiresAt);
        clock.set(expiresAt.plusSeconds(1));

        // A second command-side instance on the same store, with its own command bus, locks and sweeper.
        MutableClock otherClock = new MutableClock(expiresAt.plusSeconds(1));
        try (ConfigurableApplicationContext other = new SpringApplicationBuilder(CommandSideApplication.class)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("mutableClock", otherClock))
                .run("--server.port=0",
                        "--consent-ledger.mongodb.uri=" + embeddedServer.connectionString(),
                        "--consent-ledger.expiry.scheduler.enabled=false",
                        "--axon.update-check.disabled=true")) {
            ExpirySweeper otherSweeper = other.getBean(ExpirySweeper.class);
            CommandGateway otherCommands = other.getBean(CommandGateway.class);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Callable<Object>> racers = List.of(
                        () -> { start.await(); return sweeper.sweep(); },
                        () -> { start.await(); return otherSweeper.sweep(); },
                        () -> { start.await(); return sweeper.sweep(); },
                        () -> { start.await(); return otherSweeper.sweep(); });
                List<Future<Object>> results = new ArrayList<>();
                for (Callable<Object> racer : racers) {
                    results.add(pool.submit(racer));
                }
                start.countDown();
                for (Future<Object> result : results) {
                    result.get();
                }
            } finally {
                pool.shutdownNow();
            }
            otherCommands.sendAndWait(new io.consentledger.contracts.consent.ExpireConsent(ids[1]));
            otherSweeper.sweep();
            sweeper.sweep();
        }
        assertThat(expiredEventsOf(ids[1])).isEqualTo(1);
    }

    private com.mongodb.client.MongoDatabase database() {
        return applicationDatabase;
    }

    @Autowired
    com.mongodb.client.MongoDatabase applicationDatabase;
}
