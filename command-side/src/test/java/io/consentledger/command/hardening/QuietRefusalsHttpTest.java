package io.consentledger.command.hardening;

import io.consentledger.command.testing.HttpTestSupport;
import io.consentledger.command.testing.ServerLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, part 3: refusals are quiet. A command on an unknown id, a foreign id, an id of the other aggregate type,
 * or with a bad body is a 4xx that logs no stack trace and nothing at WARN or above (Axon's repository used to log
 * every unknown id at WARN with an 18 KB stack trace).
 */
class QuietRefusalsHttpTest extends HttpTestSupport {

    @Autowired
    private ApplicationContext context;
    private ServerLogs logged;

    @BeforeEach
    void capture() {
        logged = ServerLogs.capture(context);
    }

    @AfterEach
    void release() {
        logged.close();
    }

    @Test
    void refusalsLogNoStackTraceAndNoWarning() {
        String[] consent = authorisedConsent("{\"maxPerDay\": 4}");
        String linkId = consent[0];
        String share = balanceJson(linkId, "10.00", "EUR");
        logged.clear();

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
        logged.assertQuiet();
    }
}
