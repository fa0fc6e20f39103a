package io.consentledger.eventstore.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sealed values' plaintext (format v2) is written by Jackson's generator directly since p9-enc; it must be the
 * bytes {@code ObjectMapper.writeValueAsBytes} wrote before, for every plain JSON value a parsed payload holds.
 */
class PlaintextWriterTest {

    @Test
    void writesTheBytesTheObjectMapperWrote() throws Exception {
        Document nested = new Document("transactionId", "share-1-tx-0").append("amount", "-12.34")
                                                                        .append("bookedAt", "2026-12-03T12:00:00Z");
        Document plain = new Document("amount", "12345.67")
                .append("links[0].accountId", "acc-\u00e9\u4e2d\"quoted\"\\ back\nslash \u0001 \ud83d\ude00")
                .append("int", 42).append("long", 9_007_199_254_740_993L).append("double", 12.34)
                .append("tiny", 1.0E-7).append("huge", 1.0E21).append("negativeZero", -0.0)
                .append("yes", true).append("no", false).append("nothing", null)
                .append("transactions[0]", nested)
                .append("list", Arrays.asList("a", 1, null, List.of(2L, 3.5), new Document("k", "v")))
                .append("empty", new Document()).append("emptyList", List.of());

        assertThat(new String(PersonalDataCodec.plaintext(plain), "UTF-8"))
                .isEqualTo(new String(new ObjectMapper().writeValueAsBytes(plain), "UTF-8"));
    }
}
