package io.consentledger.verifiable.leaf;

import io.consentledger.verifiable.json.Json;
import io.consentledger.verifiable.json.JsonException;
import io.consentledger.verifiable.merkle.Hashes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The leaf encoding, pinned byte for byte: the worked example of docs/verifiable-log.md. */
class LogEntryTest {

    static final StoredEvent EXAMPLE = new StoredEvent(
            7, "3f2c1a9e-5b7d-4e21-9c1a-2b8f0d6e4a11", "BankAccountLink", "link-42", 0L, "2026-03-01T09:30:00.123Z",
            "io.consentledger.contracts.link.BankAccountLinked", null,
            "{\"linkId\": \"link-42\", \"customerId\": \"cust-7\", \"currency\": \"EUR\", \"linkedAt\": \"2026-03-01T09:30:00.123Z\"}",
            "{\"correlationId\": \"c-0001\"}");

    static final String EXAMPLE_LEAF = "{\"aggregateId\":\"link-42\",\"aggregateType\":\"BankAccountLink\","
            + "\"eventId\":\"3f2c1a9e-5b7d-4e21-9c1a-2b8f0d6e4a11\",\"metaData\":\"{\\\"correlationId\\\": \\\"c-0001\\\"}\","
            + "\"payload\":\"{\\\"linkId\\\": \\\"link-42\\\", \\\"customerId\\\": \\\"cust-7\\\", \\\"currency\\\": \\\"EUR\\\", "
            + "\\\"linkedAt\\\": \\\"2026-03-01T09:30:00.123Z\\\"}\",\"payloadRevision\":null,"
            + "\"payloadType\":\"io.consentledger.contracts.link.BankAccountLinked\",\"position\":7,\"sequenceNumber\":0,"
            + "\"timestamp\":\"2026-03-01T09:30:00.123Z\"}";

    @Test
    void theWorkedExampleEncodesAndHashesExactly() {
        assertThat(new String(EXAMPLE.leafBytes(), StandardCharsets.UTF_8)).isEqualTo(EXAMPLE_LEAF);
        // recomputed independently: python3 hashlib.sha256(b"\x00" + leaf).hexdigest()
        assertThat(Hashes.hex(EXAMPLE.leafHash()))
                .isEqualTo("aacdf5dc719d317d45fc55020892185f3d404c60e131963ddd972e9cd523183f");
    }

    @Test
    void aSealedGapIsALeafToo() {
        SealedGap gap = new SealedGap(8);
        assertThat(new String(gap.leafBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"position\":8,\"tombstone\":true}");
        assertThat(Hashes.hex(gap.leafHash()))
                .isEqualTo("086bfd2e7e3b8ffd21d7055042ec1383bf6ba8a24142101a264904c9c1170559");
    }

    @Test
    void leavesReadBackFromTheirBytes() {
        assertThat(LogEntry.fromLeafBytes(EXAMPLE.leafBytes())).isEqualTo(EXAMPLE);
        assertThat(LogEntry.fromLeafBytes(new SealedGap(3).leafBytes())).isEqualTo(new SealedGap(3));
        StoredEvent plain = new StoredEvent(9, "e", null, null, null, "2026-01-01T00:00:00Z", "T", "2", "\"x\"", "{}");
        assertThat(LogEntry.fromLeafBytes(plain.leafBytes())).isEqualTo(plain);
    }

    @Test
    void theReaderIsStrict() {
        String spaced = EXAMPLE_LEAF.replace(",\"position\"", ", \"position\"");
        assertThatThrownBy(() -> LogEntry.fromLeafBytes(spaced.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(JsonException.class).hasMessageContaining("canonical");
        assertThatThrownBy(() -> LogEntry.fromJson(Json.parseObject(EXAMPLE_LEAF.replace("\"position\":7", "\"position\":\"7\""))))
                .isInstanceOf(JsonException.class);
        assertThatThrownBy(() -> LogEntry.fromJson(Json.parseObject(EXAMPLE_LEAF.replace("{\"aggregateId\"", "{\"extra\":1,\"aggregateId\""))))
                .isInstanceOf(JsonException.class).hasMessageContaining("unexpected [extra]");
        assertThatThrownBy(() -> LogEntry.fromJson(Json.parseObject("{\"position\":1,\"tombstone\":false}")))
                .isInstanceOf(JsonException.class);
        assertThatThrownBy(() -> LogEntry.fromJson(Json.parseObject(EXAMPLE_LEAF.replace("\"sequenceNumber\":0", "\"sequenceNumber\":null"))))
                .isInstanceOf(JsonException.class).hasMessageContaining("both");
    }

    @Test
    void payloadAndMetaDataAreCarriedAsTheirExactText() {
        String money = "{\"amount\": \"12345678901234567890.10\", \"count\": 9007199254740993, \"rate\": 0.1}";
        StoredEvent event = new StoredEvent(1, "e", null, null, null, "2026-01-01T00:00:00Z", "T", null, money, "{}");
        StoredEvent back = (StoredEvent) LogEntry.fromLeafBytes(event.leafBytes());
        assertThat(back.payload()).isEqualTo(money);
    }
}
