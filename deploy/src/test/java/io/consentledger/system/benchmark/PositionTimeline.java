package io.consentledger.system.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;

/**
 * A position over time, polled as the operator every {@code pollMillis}: the access-log processor's position (the
 * projection lag) or the tree's last covered position (the tree lag). Each sample keeps the instants the poll was sent
 * and answered and the position, made monotonic (positions only grow: one segment, global order). From it, the lag of
 * every share: from its 201 to the first poll whose answer showed the position at or past the share's (upper bound),
 * and from its 201 to the send of the poll before that one (lower bound).
 */
final class PositionTimeline implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final HttpRequest request;
    private final long pollMillis;
    private final ToLongFunction<JsonNode> positionOf;
    private long[] sent = new long[1 << 16];
    private long[] answered = new long[1 << 16];
    private long[] position = new long[1 << 16];
    private volatile int size;
    private volatile boolean stopped;
    private volatile long lastPosition = -1;
    private Thread poller;

    /**
     * @param url        an operator endpoint
     * @param positionOf the position in its answer, or a negative number when the answer holds none
     */
    PositionTimeline(String url, long pollMillis, ToLongFunction<JsonNode> positionOf) {
        this.request = HttpRequest.newBuilder(URI.create(url))
                                  .header("Authorization", "ApiKey dev-key-operator")
                                  .timeout(Duration.ofSeconds(10)).GET().build();
        this.pollMillis = pollMillis;
        this.positionOf = positionOf;
    }

    /** The access-log processor's position in {@code GET /operator/processors}. */
    static PositionTimeline accessLog(String query, long pollMillis) {
        return new PositionTimeline(query + "/operator/processors", pollMillis, processors -> {
            for (JsonNode processor : processors) {
                if ("access-log".equals(processor.path("name").asText())
                        && processor.path("segmentsClaimed").asInt() > 0
                        && processor.hasNonNull("slowestPosition")) {
                    return processor.path("slowestPosition").asLong();
                }
            }
            return -1;
        });
    }

    /** A query-side processor's position in {@code GET /operator/processors} (e.g. {@code notifications}). */
    static PositionTimeline processor(String query, String name, long pollMillis) {
        return new PositionTimeline(query + "/operator/processors", pollMillis, processors -> {
            for (JsonNode processor : processors) {
                if (name.equals(processor.path("name").asText())
                        && processor.path("segmentsClaimed").asInt() > 0
                        && processor.hasNonNull("slowestPosition")) {
                    return processor.path("slowestPosition").asLong();
                }
            }
            return -1;
        });
    }

    /** The highest position the tree covers ({@code treeSize - 1}) in {@code GET /operator/log}. */
    static PositionTimeline tree(String query, long pollMillis) {
        return new PositionTimeline(query + "/operator/log", pollMillis, log -> log.path("treeSize").asLong() - 1);
    }

    PositionTimeline start(String threadName) {
        poller = new Thread(this, threadName);
        poller.setDaemon(true);
        poller.start();
        return this;
    }

    void stop() throws InterruptedException {
        stopped = true;
        if (poller != null) {
            poller.join();
        }
    }

    @Override
    public void run() {
        while (!stopped) {
            long before = System.nanoTime();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                long after = System.nanoTime();
                if (response.statusCode() == 200) {
                    long p = positionOf.applyAsLong(JSON.readTree(response.body()));
                    if (p >= 0) {
                        add(before, after, p);
                    }
                }
            } catch (Exception e) {
                // a missed poll widens the error bound of the samples around it; it is counted in the bound
            }
            long wait = before + TimeUnit.MILLISECONDS.toNanos(pollMillis) - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private void add(long before, long after, long pos) {
        int n = size;
        if (n == sent.length) {
            sent = Arrays.copyOf(sent, n * 2);
            answered = Arrays.copyOf(answered, n * 2);
            position = Arrays.copyOf(position, n * 2);
        }
        sent[n] = before;
        answered[n] = after;
        position[n] = Math.max(pos, n == 0 ? pos : position[n - 1]);
        lastPosition = pos;
        size = n + 1;
    }

    long lastPosition() {
        return lastPosition;
    }

    int size() {
        return size;
    }

    /** The first sample at or past {@code p}, or -1. */
    int firstAtOrPast(long p) {
        int lo = 0;
        int hi = size - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (position[mid] >= p) {
                found = mid;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return found;
    }

    /**
     * The instants (nanoTime) between which the position first reached {@code p}: {send of the poll before, answer of
     * the first poll at or past it}; null if no poll showed it.
     */
    long[] reached(long p) {
        int k = firstAtOrPast(p);
        if (k < 0) {
            return null;
        }
        return new long[] {k == 0 ? sent[k] : sent[k - 1], answered[k]};
    }

    /**
     * The lag of every share in {@code answeredAt} (shareId -> nanoTime of its 201) whose global position
     * {@code byShare} knows (shareId -> {globalPosition, ...}).
     */
    Lag lag(Map<String, Long> answeredAt, Map<String, long[]> byShare) {
        Histogram upper = new Histogram(3);
        Histogram lower = new Histogram(3);
        Histogram bound = new Histogram(3);
        long unmatched = 0;
        long beforeAnswer = 0;
        for (Map.Entry<String, Long> share : answeredAt.entrySet()) {
            long[] record = byShare.get(share.getKey());
            int k = record == null ? -1 : firstAtOrPast(record[0]);
            if (k < 0) {
                unmatched++;
                continue;
            }
            long up = answered[k] - share.getValue();
            long low = k == 0 ? 0 : sent[k - 1] - share.getValue();
            if (up <= 0) {
                beforeAnswer++;
            }
            upper.recordValue(Math.max(1, up));
            lower.recordValue(Math.max(1, low));
            bound.recordValue(Math.max(1, k == 0 ? answered[k] - sent[k] : answered[k] - sent[k - 1]));
        }
        return new Lag(upper, lower, bound, unmatched, beforeAnswer);
    }

    /** Lags in nanoseconds: upper and lower bounds, and the width of the bound (poll before -> poll after). */
    record Lag(Histogram upper, Histogram lower, Histogram bound, long unmatched, long beforeAnswer) {
        long count() {
            return upper.getTotalCount();
        }

        double p99Upper() {
            return ms(upper, 99);
        }

        static double ms(Histogram h, double percentile) {
            return h.getValueAtPercentile(percentile) / 1e6;
        }

        /** "n=..., unmatched ..." and the bounds' percentiles, for a report line. */
        String figures() {
            return String.format(Locale.ROOT, "n=%d, unmatched %d, already there when answered %d: upper bound p50 %.1f ms, "
                                              + "p99 %.1f ms, max %.1f ms; lower bound p50 %.1f ms, p99 %.1f ms; width of "
                                              + "the bound p50 %.1f ms, p99 %.1f ms",
                                 count(), unmatched, beforeAnswer, ms(upper, 50), ms(upper, 99),
                                 upper.getMaxValue() / 1e6, ms(lower, 50), ms(lower, 99), ms(bound, 50), ms(bound, 99));
        }
    }
}
