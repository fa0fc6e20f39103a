package io.consentledger.system.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The loopback receiver's reading of a body: the share id of a share.recorded, nothing for the rest. */
class LedgerBenchmarkExtrasTest {

    @Test
    void picksTheShareIdOfAShareRecordedAndNothingElse() {
        // as NotificationJson writes them (compact, fields in the record's order; see docs/notifications.md)
        String share = "{\"type\":\"share.recorded\",\"eventId\":\"e-1\",\"position\":42,"
                       + "\"occurredAt\":\"2026-12-03T10:00:00Z\",\"consentId\":\"c-1\",\"linkId\":\"l-1\","
                       + "\"shareId\":\"sh-7\"}";
        String revoked = "{\"type\":\"consent.revoked\",\"eventId\":\"e-2\",\"position\":43,\"consentId\":\"c-1\"}";

        assertThat(LedgerBenchmarkExtras.shareIdOf(share)).isEqualTo("sh-7");
        assertThat(LedgerBenchmarkExtras.shareIdOf(revoked)).isNull();
        assertThat(LedgerBenchmarkExtras.shareIdOf("not json")).isNull();
    }
}
