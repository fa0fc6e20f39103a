package io.consentledger.command.hardening;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.consentledger.command.testing.HttpTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, part 3: refusals are quiet. A command on an unknown id, a foreign id, an id of the other aggregate type,
 * or with a bad body is a 4xx that logs no stack trace and nothing at WARN or above (Axon's repository used to log
 * every unknown id at WARN with an 18 KB stack trace).
 */
class QuietRefusalsHttpTest extends HttpTestSupport {

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Logger root;

    @BeforeEach
    void capture() {
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logged.start();
        root.addAppender(logged);
    }

    @AfterEach
    void release() {
        root.detachAppender(logged);
    }

    @Test
    void refusalsLogNoStackTraceAndNoWarning() {
        String[] consent = authorisedConsent("{\"maxPerDay\": 4}");
        String linkId = consent[0];
        String share = balanceJson(linkId, "10.00", "EUR");
        logged.list.clear();

        int[] statuses = {
                post("/api/v1/consents/" + id("unknown") + "/shares/balance", share).status(),
                post("/api/v1/consents/" + id("unknown") + "/authorise", evidenceJson()).status(),
                post("/api/v1/links/" + id("unknown") + "/unlink", "{}").status(),
                post("/api/v1/consents/" + consent[1] + "/shares/balance", share, as(BANK_2)).status(),
                post("/api/v1/consents/" + linkId + "/shares/balance", share).status(),
                post("/api/v1/links/" + consent[1] + "/unlink", "{}").status(),
                post("/api/v1/consents/" + consent[1] + "/shares/balance", "{\"amount\": ").status(),
                post("/api/v1/consents/" + consent[1] + "/shares/balance", "{\"nope\": 1}").status()
        };

        assertThat(java.util.Arrays.stream(statuses).boxed().toList()).allSatisfy(status -> assertThat(status).isBetween(400, 499));
        List<ILoggingEvent> loud = logged.list.stream()
                                              .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null)
                                              .toList();
        assertThat(loud).extracting(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()).isEmpty();
    }
}
