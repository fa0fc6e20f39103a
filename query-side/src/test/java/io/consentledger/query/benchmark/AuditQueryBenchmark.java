package io.consentledger.query.benchmark;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.consentledger.contracts.audit.AccessFilter;
import io.consentledger.contracts.audit.FindAccessRecords;
import io.consentledger.contracts.audit.FindRecipientsOfCustomer;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.eventstore.embedded.EmbeddedMongoServer;
import io.consentledger.query.access.AccessLogProjection;
import io.consentledger.query.access.AccessLogQueries;
import org.bson.Document;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How the auditors' queries scale on the embedded store, which ignores non-unique indexes and scans. Fills the access
 * history to growing sizes and reports each query's median latency, and the largest size at which it stays under
 * 200 ms. Not a test: run it with
 * {@code ./mvnw -q -pl query-side -am -Pbenchmark verify -DskipTests}.
 * System property {@code bench.sizes} (default 10000,50000,100000,200000) sets the sizes.
 */
public final class AuditQueryBenchmark {

    private static final int CUSTOMERS = 10_000;
    private static final int RECIPIENTS = 50;

    public static void main(String[] args) {
        int[] sizes = Arrays.stream(System.getProperty("bench.sizes", "10000,50000,100000,200000").split(","))
                            .mapToInt(Integer::parseInt).toArray();
        try (EmbeddedMongoServer server = EmbeddedMongoServer.inMemory();
             MongoClient client = MongoClients.create(server.connectionString())) {
            MongoDatabase database = client.getDatabase("bench");
            MongoCollection<Document> records = database.getCollection(AccessLogProjection.RECORDS);
            AccessLogQueries access = new AccessLogQueries(database);
            Instant base = Instant.parse("2026-01-01T00:00:00Z");

            Map<String, Supplier<Object>> queries = new LinkedHashMap<>();
            queries.put("access by customerId, page of 50", () -> access.handle(new FindAccessRecords(filter("customer-42", null, null), null, false, 50)));
            queries.put("access by customerId, newest first", () -> access.handle(new FindAccessRecords(filter("customer-42", null, null), null, true, 50)));
            queries.put("access by recipientId, page of 50", () -> access.handle(new FindAccessRecords(filter(null, "recipient-7", null), null, false, 50)));
            queries.put("access by purpose + time window", () -> access.handle(new FindAccessRecords(filter(null, null, Purpose.FRAUD_ALERTS), null, false, 50)));
            queries.put("access, no filter, page of 50", () -> access.handle(new FindAccessRecords(AccessFilter.none(), null, false, 50)));
            queries.put("recipients of customer in period", () -> access.handle(
                    new FindRecipientsOfCustomer("customer-42", base, base.plus(Duration.ofDays(365)))));

            Map<String, Integer> largestUnder200 = new LinkedHashMap<>();
            int filled = 0;
            System.out.println("Embedded store (mongo-java-server, memory backend); median of 7 runs after 2 warm-ups");
            System.out.printf("%-40s %s%n", "query", Arrays.toString(sizes));
            Map<String, List<String>> rows = new LinkedHashMap<>();
            for (int size : sizes) {
                System.out.printf("filling to %,d access records ...%n", size);
                List<Document> batch = new ArrayList<>(1000);
                for (int i = filled; i < size; i++) {
                    batch.add(record(i, base));
                    if (batch.size() == 1000) {
                        records.insertMany(batch);
                        batch.clear();
                    }
                }
                if (!batch.isEmpty()) {
                    records.insertMany(batch);
                }
                filled = size;
                for (Map.Entry<String, Supplier<Object>> query : queries.entrySet()) {
                    double ms = medianMillis(query.getValue());
                    rows.computeIfAbsent(query.getKey(), k -> new ArrayList<>()).add(String.format("%.1f ms", ms));
                    if (ms < 200) {
                        largestUnder200.merge(query.getKey(), size, Math::max);
                    }
                }
            }
            System.out.println();
            System.out.printf("| query | %s | largest size under 200 ms |%n",
                              String.join(" | ", Arrays.stream(sizes).mapToObj(s -> String.format("%,d", s)).toList()));
            System.out.println("|---|" + "---|".repeat(sizes.length) + "---|");
            rows.forEach((name, cells) -> System.out.printf("| %s | %s | %s |%n", name, String.join(" | ", cells),
                    largestUnder200.containsKey(name) ? String.format("%,d", largestUnder200.get(name)) : "none measured"));
        }
    }

    private static AccessFilter filter(String customerId, String recipientId, Purpose purpose) {
        Instant from = purpose == null ? null : Instant.parse("2026-03-01T00:00:00Z");
        Instant to = purpose == null ? null : Instant.parse("2026-04-01T00:00:00Z");
        return new AccessFilter(customerId, null, recipientId, null, null, purpose, null, from, to);
    }

    private static Document record(int i, Instant base) {
        return new Document("_id", "event-" + i)
                .append("seq", (long) i + 1)
                .append("globalPosition", (long) i * 3 + 1)
                .append("sharedAt", Date.from(base.plusSeconds(i * 60L)))
                .append("dataType", i % 2 == 0 ? "BALANCE" : "TRANSACTIONS")
                .append("shareId", "share-" + i)
                .append("recipientId", "recipient-" + (i % RECIPIENTS))
                .append("providerId", "bank-" + (i % 20))
                .append("customerId", "customer-" + (i % CUSTOMERS))
                .append("linkId", "link-" + (i % CUSTOMERS))
                .append("consentId", "consent-" + (i % (CUSTOMERS * 2)))
                .append("scope", i % 2 == 0 ? Scope.BALANCES.name() : Scope.TRANSACTIONS.name())
                .append("purpose", Purpose.values()[i % 5].name())
                .append("transactionIds", i % 2 == 0 ? List.of() : List.of("t-" + i, "t-" + (i + 1)))
                .append("newTransactionIds", List.of())
                .append("windowFrom", Date.from(base))
                .append("windowTo", Date.from(base.plusSeconds(i * 60L)))
                .append("principal", "bank-" + (i % 20))
                .append("party", "PROVIDER")
                .append("correlationId", "corr-" + i);
    }

    private static double medianMillis(Supplier<Object> query) {
        for (int i = 0; i < 2; i++) {
            query.get();
        }
        double[] runs = new double[7];
        for (int i = 0; i < runs.length; i++) {
            long start = System.nanoTime();
            query.get();
            runs[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(runs);
        return runs[runs.length / 2];
    }
}
