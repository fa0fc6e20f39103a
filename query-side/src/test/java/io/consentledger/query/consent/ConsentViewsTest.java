package io.consentledger.query.consent;

import io.consentledger.contracts.consent.ConsentStatus;
import io.consentledger.contracts.consent.ConsentView;
import io.consentledger.contracts.consent.FindConsent;
import io.consentledger.contracts.consent.FindCustomerConsents;
import io.consentledger.eventstore.EventLog;
import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.consentledger.eventstore.testing.TestStores;
import io.consentledger.query.LedgerScript;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every status the consent views show is the one the command side enforces: from the exact {@code expiresAt} instant
 * on, a consent that is not yet terminal (AWAITING_AUTHORISATION or AUTHORISED) is refused as expired by the command
 * side, so it reads EXPIRED here too, before the sweep records {@code ConsentExpired}. Terminal states stay as
 * recorded. The recorded status is still shown beside it.
 */
class ConsentViewsTest {

    private TestStores stores;
    private ConsentProjection projection;
    private LedgerScript script;

    @BeforeEach
    void setUp() {
        stores = TestStores.open();
        GapAwareMongoEventStorageEngine engine = GapAwareMongoEventStorageEngine.builder().database(stores.database())
                .eventSerializer(LedgerSerializers.jackson()).snapshotSerializer(LedgerSerializers.jackson()).build();
        projection = new ConsentProjection(stores.database(), new EventLog(stores.database()));
        AnnotationEventHandlerAdapter handlers = new AnnotationEventHandlerAdapter(projection);
        script = new LedgerScript(message -> {
            try {
                engine.appendEvents(message); // the projection looks the event's position up in the log
                handlers.handle(message);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterEach
    void tearDown() {
        stores.close();
    }

    /** Brings consent "c" into {@code recorded} and returns its expiry. */
    private Instant consentIn(ConsentStatus recorded) {
        script.link("l").standardConsent("c", "l");
        Map<ConsentStatus, Consumer<String>> moves = Map.of(
                ConsentStatus.AWAITING_AUTHORISATION, id -> { },
                ConsentStatus.AUTHORISED, script::authorise,
                ConsentStatus.REJECTED, script::reject,
                ConsentStatus.REVOKED, id -> script.authorise(id).revoke(id),
                ConsentStatus.EXPIRED, id -> script.authorise(id).expire(id));
        moves.get(recorded).accept("c");
        return views(Instant.parse("2000-01-01T00:00:00Z")).handle(new FindConsent("c")).orElseThrow().expiresAt();
    }

    private ConsentViews views(Instant now) {
        return new ConsentViews(stores.database(), Clock.fixed(now, ZoneOffset.UTC));
    }

    private static ConsentStatus effective(ConsentStatus recorded, boolean pastExpiry) {
        return pastExpiry && !recorded.isTerminal() ? ConsentStatus.EXPIRED : recorded;
    }

    @ParameterizedTest
    @EnumSource(ConsentStatus.class)
    void everyStateReadsAsTheLedgerEnforcesItBeforeAtAndAfterItsExpiry(ConsentStatus recorded) {
        Instant expiresAt = consentIn(recorded);
        for (Instant now : new Instant[]{expiresAt.minusMillis(1), expiresAt, expiresAt.plus(Duration.ofDays(1))}) {
            boolean past = !now.isBefore(expiresAt);
            ConsentStatus expected = effective(recorded, past);
            ConsentViews views = views(now);

            ConsentView one = views.handle(new FindConsent("c")).orElseThrow();
            assertThat(one.status()).as("status of a %s consent at %s (expiry %s)", recorded, now, expiresAt)
                                    .isEqualTo(expected);
            assertThat(one.recordedStatus()).isEqualTo(recorded);
            assertThat(views.handle(new FindCustomerConsents(LedgerScript.CUSTOMER)))
                    .extracting(ConsentView::status).containsExactly(expected);
            assertThat(views.onLink("l")).extracting(ConsentView::status).containsExactly(expected);
            assertThat(views.countByStatus()).containsExactly(Map.entry(expected, 1L));
        }
    }

    /**
     * A customer's consents, newest request first, and consents requested at the same instant by id: the answer is a
     * function of the log, not of the order in which the projection stored them (after a crash, or with several
     * command-side instances, events of different consents are delivered in any order).
     */
    @org.junit.jupiter.api.Test
    void consentsRequestedAtTheSameInstantAreListedById() {
        script.link("l").standardConsent("c-z", "l").standardConsent("c-a", "l").standardConsent("c-m", "l")
              .later(Duration.ofSeconds(1)).standardConsent("c-0", "l");
        assertThat(views(Instant.parse("2000-01-01T00:00:00Z")).handle(new FindCustomerConsents(LedgerScript.CUSTOMER)))
                .extracting(ConsentView::consentId).containsExactly("c-0", "c-a", "c-m", "c-z");
    }
}
