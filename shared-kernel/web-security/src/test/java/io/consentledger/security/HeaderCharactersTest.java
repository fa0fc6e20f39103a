package io.consentledger.security;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HeaderCharacters} answers as Spring Security's {@code StrictHttpFirewall} expressions (copied from
 * spring-security-web 7.1.1's {@code ASSIGNED_AND_NOT_ISO_CONTROL_PATTERN} and {@code HEADER_VALUE_PATTERN}) on every
 * code point alone, on lone and paired surrogates, and on whole header lines.
 */
class HeaderCharactersTest {

    private static final Pattern NAME = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");
    private static final Pattern VALUE = Pattern.compile("[\\p{IsAssigned}&&[[^\\p{IsControl}]||\\t]]*");

    @Test
    void everyCodePointAloneAsTheFirewallsExpressions() {
        int refusedNames = 0;
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            String s = new String(Character.toChars(cp));
            assertThat(HeaderCharacters.allowedName(s)).as("name U+%04X", cp).isEqualTo(NAME.matcher(s).matches());
            assertThat(HeaderCharacters.allowedValue(s)).as("value U+%04X", cp).isEqualTo(VALUE.matcher(s).matches());
            refusedNames += HeaderCharacters.allowedName(s) ? 0 : 1;
        }
        assertThat(refusedNames).as("control and unassigned code points are refused").isGreaterThan(800_000);
    }

    @Test
    void wholeHeadersAsTheFirewallsExpressions() {
        for (String s : List.of("", "Idempotency-Key", "ApiKey dev-key-operator", "a\tb", "a\nb", "a\rb", "a\u0000b",
                                "caf\u00e9", "\ud83d\ude00 smile", "lone \ud83d high", "lone \ude00 low", "\u0378",
                                "x\u007f", "x\u0085y", "\u2028")) {
            assertThat(HeaderCharacters.allowedName(s)).as("name %s", s).isEqualTo(NAME.matcher(s).matches());
            assertThat(HeaderCharacters.allowedValue(s)).as("value %s", s).isEqualTo(VALUE.matcher(s).matches());
        }
        assertThat(HeaderCharacters.allowedValue("a\tb")).isTrue();
        assertThat(HeaderCharacters.allowedName("a\tb")).isFalse();
        assertThat(HeaderCharacters.allowedValue("a\nb")).isFalse();
    }
}
