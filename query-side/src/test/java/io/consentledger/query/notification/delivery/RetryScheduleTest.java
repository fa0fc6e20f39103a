package io.consentledger.query.notification.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryScheduleTest {

    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void withoutJitterTheDelaysAreTheStandardOnesAndTheEighthFailureGivesUp() {
        RetrySchedule schedule = new RetrySchedule(RetrySchedule.STANDARD, 0);
        List<Duration> delays = new ArrayList<>();
        for (int failed = 1; failed <= 7; failed++) {
            delays.add(Duration.between(T, schedule.next(failed, T, new Random(1)).orElseThrow()));
        }

        assertThat(delays).containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30),
                Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));
        assertThat(schedule.next(8, T, new Random(1))).isEmpty();
        assertThat(schedule.maxAttempts()).isEqualTo(8);
    }

    @Test
    void jitterStaysWithinTenPercentAndSpreadsTheRetries() {
        RetrySchedule schedule = RetrySchedule.standard();
        Random random = new Random(42);
        List<Long> seconds = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            seconds.add(Duration.between(T, schedule.next(4, T, random).orElseThrow()).toSeconds());
        }

        assertThat(seconds).allMatch(s -> s >= 6480 && s <= 7920); // 2 h ± 10 %
        assertThat(seconds.stream().distinct().count()).isGreaterThan(500);
    }

    @Test
    void theSameSeedGivesTheSameSchedule() {
        RetrySchedule schedule = RetrySchedule.standard();

        assertThat(schedule.next(2, T, new Random(7))).isEqualTo(schedule.next(2, T, new Random(7)));
        assertThat(schedule.next(2, T, new Random(7))).isNotEqualTo(schedule.next(2, T, new Random(8)));
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> RetrySchedule.standard().next(0, T, new Random()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetrySchedule(RetrySchedule.STANDARD, 1.0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
