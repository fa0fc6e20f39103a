package io.consentledger.verifiable.json;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void parsesEveryKindOfValueWithoutDoubles() {
        Map<String, Object> json = Json.parseObject(
                " {\"s\":\"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\",\"t\":true,\"f\":false,\"n\":null,"
                + "\"i\":-12,\"big\":123456789012345678901234567890,\"d\":0.1,\"e\":1E400,\"a\":[1,[],{}]} ");
        assertThat(json.get("s")).isEqualTo("a\"b\\c/\n\u00e9\ud83d\ude00");
        assertThat(json.get("t")).isEqualTo(true);
        assertThat(json.get("f")).isEqualTo(false);
        assertThat(json).containsEntry("n", null);
        assertThat(json.get("i")).isEqualTo(-12L);
        assertThat(json.get("big")).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(json.get("d")).isEqualTo(new BigDecimal("0.1"));
        assertThat(json.get("e")).isEqualTo(new BigDecimal("1E400"));
        assertThat(json.get("a")).isEqualTo(List.of(1L, List.of(), Map.of()));
        assertThat(json.keySet()).containsExactly("s", "t", "f", "n", "i", "big", "d", "e", "a");
    }

    @Test
    void refusesMalformedText() {
        for (String bad : List.of("", "{", "{\"a\":1,}", "[1 2]", "{\"a\":1}x", "01", "1.", "-", "\"\u0001\"",
                                  "\"\\x\"", "{\"a\":1,\"a\":2}", "tru", "{a:1}", "\"\\u12\"", "[".repeat(100))) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(JsonException.class);
        }
    }

    /** RFC 8785 section 3.2.3: members sorted by UTF-16 code units (the example's property names, string values). */
    @Test
    void sortsMembersByUtf16CodeUnits() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("\u20ac", "Euro Sign");
        json.put("\r", "Carriage Return");
        json.put("\ufb33", "Hebrew Letter Dalet With Dagesh");
        json.put("1", "One");
        json.put("\ud83d\ude00", "Emoji: Grinning Face");
        json.put("\u0080", "Control");
        json.put("\u00f6", "Latin Small Letter O With Diaeresis");
        assertThat(Json.canonical(json)).isEqualTo(
                "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    @Test
    void escapesStringsAsJcsDoes() {
        assertThat(Json.canonical("\"\\\b\f\n\r\t\u0001\u001f/\u007f\u00e9"))
                .isEqualTo("\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f/\u007f\u00e9\"");
        assertThatThrownBy(() -> Json.canonical("\ud83d")).isInstanceOf(JsonException.class);
        assertThatThrownBy(() -> Json.canonical("\ude00x")).isInstanceOf(JsonException.class);
    }

    @Test
    void writesOnlySafeIntegers() {
        assertThat(Json.canonical(Arrays.asList(0L, -1, Json.MAX_SAFE_INTEGER, null, true)))
                .isEqualTo("[0,-1,9007199254740991,null,true]");
        assertThatThrownBy(() -> Json.canonical(Json.MAX_SAFE_INTEGER + 1)).isInstanceOf(JsonException.class);
        assertThatThrownBy(() -> Json.canonical(new BigDecimal("10.00"))).isInstanceOf(JsonException.class);
        assertThatThrownBy(() -> Json.canonical(1.5d)).isInstanceOf(JsonException.class);
    }

    @Test
    void canonicalOfParsedIsStable() {
        String text = "{ \"b\" : [ 1 , \"x\" ], \"a\" : { \"d\" : null, \"c\" : false } }";
        String canonical = Json.canonical(Json.parse(text));
        assertThat(canonical).isEqualTo("{\"a\":{\"c\":false,\"d\":null},\"b\":[1,\"x\"]}");
        assertThat(Json.canonical(Json.parse(canonical))).isEqualTo(canonical);
    }
}
