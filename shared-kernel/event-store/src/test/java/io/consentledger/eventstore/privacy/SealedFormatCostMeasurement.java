package io.consentledger.eventstore.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consentledger.contracts.common.AppliedWindow;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.share.BalanceShared;
import io.consentledger.contracts.share.TransactionFacts;
import io.consentledger.contracts.share.TransactionsShared;
import io.consentledger.eventstore.serialization.LedgerSerializers;
import io.consentledger.eventstore.testing.TestStores;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import javax.crypto.SecretKey;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * What the sealed formats cost per event, in one thread's CPU time (so a busy machine does not enter it), issue 16's
 * performance work: the stored payload's BSON size in the clear, in format v1 (one envelope per field, base64 text;
 * sealed here as {@code PersonalDataCodec} did up to {@code ac7d05e}) and in format v2 (one envelope per event, BSON
 * binary); the command side's sealing (from the serializer's JSON to the payload document the store writes) and one
 * processor's read (from the stored document to the event object), opened afresh or shared. Not a test:
 * <pre>
 * ./mvnw -o -pl shared-kernel/event-store -am test-compile
 * java -cp shared-kernel/event-store/target/test-classes:shared-kernel/event-store/target/classes:$(cat cp.txt) \
 *      io.consentledger.eventstore.privacy.SealedFormatCostMeasurement [rounds] [eventsPerRound]
 * </pre>
 */
public final class SealedFormatCostMeasurement {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final ObjectMapper JSON = LedgerSerializers.objectMapper();
    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();
    private static volatile Object sink;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        try (TestStores stores = TestStores.open()) {
            CustomerKeys keys = new CustomerKeys(stores.database(), MasterKey.generate(), Clock.systemUTC(),
                                                 Duration.ofMinutes(5), 1000);
            PersonalDataCodec codec = new PersonalDataCodec(keys, true, 0);
            PersonalDataCodec shared = new PersonalDataCodec(keys, true, 4096);
            for (Object event : List.of(transactions(), balance())) {
                measure(event, keys, codec, shared, rounds, perRound);
            }
        }
    }

    private static void measure(Object event, CustomerKeys keys, PersonalDataCodec codec, PersonalDataCodec shared,
                                int rounds, int perRound) throws Exception {
        String eventId = UUID.randomUUID().toString();
        String json = JSON.writeValueAsString(event);
        SecretKey key = keys.keyForWrite("bank-1/cust-1");
        Document clear = Document.parse(json);
        Document v1 = Document.parse(sealV1(key, eventId, json, event));
        Document v2 = Document.parse(json);
        codec.protect(eventId, event, v2);
        System.out.printf(Locale.ROOT, "%n%s: stored payload %d bytes in the clear, v1 %d, v2 %d%n",
                          event.getClass().getSimpleName(), bson(clear), bson(v1), bson(v2));
        String v1Stored = v1.toJson(RELAXED);
        String v2Stored = v2.toJson(RELAXED);
        String clearStored = clear.toJson(RELAXED);
        String openedStored = codec.reveal(eventId, v2Stored);
        Class<?> type = event.getClass();
        shared.revealShared(eventId, v2Stored);
        List<String> names = List.of("seal: clear", "seal: v1", "seal: v2", "read: clear", "read: v1", "read: v2 opened",
                                     "read: v2 shared",
                                     "  toJson: clear", "  toJson: v2", "  revealShared", "  parse: clear", "  parse: v2 opened");
        List<Supplier<Object>> steps = List.of(
                () -> Document.parse(json),
                () -> Document.parse(sealV1(key, eventId, json, event)),
                () -> {
                    Document document = Document.parse(json);
                    codec.protect(eventId, event, document);
                    return document;
                },
                () -> read(clear.toJson(RELAXED), type),
                () -> read(codec.reveal(eventId, v1.toJson(RELAXED)), type),
                () -> read(codec.reveal(eventId, v2.toJson(RELAXED)), type),
                () -> read(shared.revealShared(eventId, v2.toJson(RELAXED)), type),
                () -> clear.toJson(RELAXED),
                () -> v2.toJson(RELAXED),
                () -> shared.revealShared(eventId, v2Stored),
                () -> read(clearStored, type),
                () -> read(openedStored, type));
        if (!read(codec.reveal(eventId, v1Stored), type).equals(event) || !read(codec.reveal(eventId, v2Stored), type).equals(event)) {
            throw new IllegalStateException("a sealed form does not read back");
        }
        List<List<Double>> micros = new ArrayList<>();
        names.forEach(name -> micros.add(new ArrayList<>()));
        for (int round = 0; round <= rounds; round++) {
            for (int step = 0; step < steps.size(); step++) {
                long start = CPU.getCurrentThreadCpuTime();
                for (int i = 0; i < perRound; i++) {
                    sink = steps.get(step).get();
                }
                double perEvent = (CPU.getCurrentThreadCpuTime() - start) / 1e3 / perRound;
                if (round > 0) {
                    micros.get(step).add(perEvent);
                }
            }
        }
        for (int step = 0; step < steps.size(); step++) {
            System.out.printf(Locale.ROOT, "  %-16s median %6.1f µs/event  (rounds %s)%n", names.get(step),
                              median(micros.get(step)), micros.get(step).stream()
                                                                .map(m -> String.format(Locale.ROOT, "%.1f", m)).toList());
        }
    }

    private static Object read(String json, Class<?> type) {
        try {
            return JSON.readValue(json, type);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Format v1 as {@code PersonalDataCodec.protect} wrote it up to {@code ac7d05e}: one envelope per field. */
    private static String sealV1(SecretKey key, String eventId, String json, Object event) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(json);
            List<String> fields = event instanceof TransactionsShared
                    ? List.of("transactionIds", "newTransactionIds", "transactions") : List.of("amount");
            for (String field : fields) {
                JsonNode value = root.get(field);
                byte[] sealed = Aead.seal(key, JSON.writeValueAsBytes(value),
                                          "consent-ledger/personal/v1|" + eventId + "|" + field + "|bank-1/cust-1");
                ObjectNode envelope = JSON.createObjectNode();
                envelope.put("@personal", "v1").put("subject", "bank-1/cust-1")
                        .put("data", Base64.getEncoder().encodeToString(sealed));
                root.set(field, envelope);
            }
            return JSON.writeValueAsString(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int bson(Document document) {
        BsonDocument bson = document.toBsonDocument(BsonDocument.class, org.bson.codecs.configuration.CodecRegistries
                .fromCodecs(new DocumentCodec()));
        return new RawBsonDocument(bson, new org.bson.codecs.BsonDocumentCodec()).getByteBuffer().remaining();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static TransactionsShared transactions() {
        Instant t = Instant.parse("2026-03-01T09:30:00.123Z");
        List<TransactionFacts> facts = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add("tx-" + UUID.randomUUID());
            facts.add(new TransactionFacts(ids.get(i), t.minusSeconds(3600L * i), new BigDecimal("-" + (12 + i) + ".50"),
                                           "GBP", "CARD"));
        }
        return new TransactionsShared("share-" + UUID.randomUUID(), "consent-" + UUID.randomUUID(), "link-" + UUID.randomUUID(),
                                      "fintech-1", "bank-1", "cust-1", Scope.TRANSACTIONS, Purpose.BALANCE_CHECK, ids,
                                      ids.subList(1, 3), new AppliedWindow(t.minusSeconds(86400), t), t, facts);
    }

    private static BalanceShared balance() {
        Instant t = Instant.parse("2026-03-01T09:30:00.123Z");
        return new BalanceShared("share-" + UUID.randomUUID(), "consent-" + UUID.randomUUID(), "link-" + UUID.randomUUID(),
                                 "fintech-1", "bank-1", "cust-1", Scope.BALANCES, Purpose.BALANCE_CHECK,
                                 new BigDecimal("98765.43"), "GBP", t, new AppliedWindow(t.minusSeconds(86400), t), t);
    }
}
