package io.consentledger.query.balance;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The bounds of what a balance computes with, on both sides of each bound, and their cost for absurd values. */
class AmountsTest {

    @Test
    void eighteenIntegerDigitsAreInRangeNineteenAreNot() {
        assertThat(Amounts.inRange(new BigDecimal("999999999999999999"))).isTrue();
        assertThat(Amounts.inRange(new BigDecimal("-999999999999999999.99"))).isTrue();
        assertThat(Amounts.inRange(new BigDecimal("1000000000000000000"))).isFalse();
        assertThat(Amounts.inRange(new BigDecimal("1E+17"))).isTrue();
        assertThat(Amounts.inRange(new BigDecimal("1E+18"))).isFalse();
    }

    @Test
    void eighteenDecimalPlacesAreInRangeNineteenAreNot() {
        assertThat(Amounts.inRange(new BigDecimal("0.000000000000000001"))).isTrue();
        assertThat(Amounts.inRange(new BigDecimal("0.0000000000000000001"))).isFalse();
        assertThat(Amounts.inRange(new BigDecimal("0E-18"))).isTrue();
        assertThat(Amounts.inRange(new BigDecimal("0E-19"))).isFalse();
        assertThat(Amounts.inRange(BigDecimal.ZERO)).isTrue();
    }

    @Test
    void absurdValuesAreOutOfRangeAndCostNothing() {
        assertTimeoutPreemptively(Duration.ofMillis(500), () -> {
            assertThat(Amounts.inRange(new BigDecimal("1E+1000000"))).isFalse();
            assertThat(Amounts.inRange(new BigDecimal("-1E+1000000"))).isFalse();
            assertThat(Amounts.inRange(new BigDecimal("1E-1000000"))).isFalse();
            assertThat(Amounts.stored(new BigDecimal("1E+1000000"))).isEmpty();
            assertThat(Amounts.read("1" + "0".repeat(1_000_000))).isEmpty(); // what was stored before: never parsed
        });
    }

    @Test
    void storedAmountsReadBackExactly() {
        assertThat(Amounts.stored(new BigDecimal("-20.50"))).contains("-20.50");
        assertThat(Amounts.stored(new BigDecimal("1.2E+3"))).contains("1200");
        assertThat(Amounts.read("-20.50")).contains(new BigDecimal("-20.50"));
        assertThat(Amounts.read("-999999999999999999.999999999999999999")).isPresent();
        assertThat(Amounts.read(null)).isEmpty();
        assertThat(Amounts.read("twelve")).isEmpty();
        assertThat(Amounts.stored(null)).isEmpty();
    }
}
