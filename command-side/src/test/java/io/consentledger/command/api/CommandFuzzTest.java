package io.consentledger.command.api;

import io.consentledger.command.CommandSideApplication;
import io.consentledger.eventstore.GapAwareMongoEventStorageEngine;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of every command endpoint (jqwik): valid bodies mutated at random (fields dropped,
 * retyped, oversized, duplicated, unknown fields added, JSON cut short), ids drawn from own, foreign, unknown and
 * malformed ones, sent by a random caller. For every request: never a 5xx, every error an RFC 9457 problem naming
 * no class, and a refused request appends no event (the log's head does not move).
 * <p>
 * Encoded slashes ({@code %2F}) in ids are not fuzzed: Tomcat refuses them at the connector with its own bare
 * 400 page, before the application (and its problem responses) is reached; see docs/security.md.
 * <p>
 * The application is started once for the class with {@link SpringApplicationBuilder} (jqwik does not run
 * Spring's test extension), on a random port over the in-memory embedded store.
 */
class CommandFuzzTest {

    private static final int TRIES = 150;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String[] KEYS = {"dev-key-bank-1", "dev-key-bank-2", "dev-key-messenger",
            "dev-key-voice-assistant", "dev-key-auditor", "dev-key-operator", "not-a-key", null};
    private static final Map<String, Map<Integer, AtomicInteger>> STATS = new ConcurrentHashMap<>();

    private static ConfigurableApplicationContext app;
    private static GapAwareMongoEventStorageEngine engine;
    private static int port;
    private static String ownLink;
    private static String ownConsent;
    private static String foreignLink;
    private static String foreignConsent;

    @BeforeContainer
    static void start() {
        app = new SpringApplicationBuilder(CommandSideApplication.class).properties(
                "server.port=0", "consent-ledger.mongodb.embedded.in-memory=true",
                "consent-ledger.mongodb.database=fuzz", "consent-ledger.expiry.scheduler.enabled=false",
                "axon.update-check.disabled=true", "consent-ledger.security.rate-limit.enabled=false",
                "logging.level.root=WARN", "logging.structured.format.console=").run();
        port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
        engine = app.getBean(GapAwareMongoEventStorageEngine.class);
        ownLink = seedLink("dev-key-bank-1", "bank-1");
        ownConsent = seedConsent(ownLink);
        foreignLink = seedLink("dev-key-bank-2", "bank-2");
        foreignConsent = seedConsent(foreignLink);
    }

    @AfterContainer
    static void stop() {
        StringBuilder report = new StringBuilder("\nCommand fuzzing: responses by status per endpoint (" + TRIES + " tries each)");
        new TreeMap<>(STATS).forEach((endpoint, counts) -> report.append("\n  ").append(String.format("%-42s", endpoint))
                .append(new TreeMap<>(counts)));
        System.out.println(report);
        if (app != null) {
            app.close();
        }
    }

    // --- one property per command endpoint ------------------------------------------------------------------

    @Property(tries = TRIES)
    void link(@ForAll long seed) {
        fuzz("POST /links", seed, r -> "/api/v1/links", r -> linkBody("link-" + UUID.randomUUID(), pick(r, "bank-1", "bank-2", "x")));
    }

    @Property(tries = TRIES)
    void unlink(@ForAll long seed) {
        fuzz("POST /links/{id}/unlink", seed, r -> "/api/v1/links/" + linkId(r) + "/unlink",
             r -> (ObjectNode) JSON.readTree("{\"initiator\":\"" + pick(r, "PROVIDER", "CUSTOMER", "SYSTEM", "RECIPIENT") + "\"}"));
    }

    @Property(tries = TRIES)
    void request(@ForAll long seed) {
        fuzz("POST /consents", seed, r -> "/api/v1/consents", r -> consentBody("c-" + UUID.randomUUID(), pick(r, ownLink, foreignLink, "nope"),
                                                                         pick(r, "messenger", "voice-assistant")));
    }

    @Property(tries = TRIES)
    void authorise(@ForAll long seed) {
        fuzz("POST /consents/{id}/authorise", seed, r -> "/api/v1/consents/" + consentId(r) + "/authorise", r -> evidence());
    }

    @Property(tries = TRIES)
    void reject(@ForAll long seed) {
        fuzz("POST /consents/{id}/reject", seed, r -> "/api/v1/consents/" + consentId(r) + "/reject",
             r -> (ObjectNode) JSON.readTree("{\"initiator\":\"" + pick(r, "PROVIDER", "CUSTOMER", "SYSTEM", "RECIPIENT") + "\"}"));
    }

    @Property(tries = TRIES)
    void revoke(@ForAll long seed) {
        fuzz("POST /consents/{id}/revoke", seed, r -> "/api/v1/consents/" + consentId(r) + "/revoke",
             r -> (ObjectNode) JSON.readTree("{\"reason\":\"" + pick(r, "CUSTOMER_REQUEST", "ACCOUNT_UNLINKED", "FRAUD")
                     + "\",\"initiator\":\"" + pick(r, "PROVIDER", "CUSTOMER", "SYSTEM", "RECIPIENT") + "\"}"));
    }

    @Property(tries = TRIES)
    void reauthorise(@ForAll long seed) {
        fuzz("POST /consents/{id}/reauthorise", seed, r -> "/api/v1/consents/" + consentId(r) + "/reauthorise", r -> {
            ObjectNode body = evidence();
            body.put("expiresAt", Instant.now().plus(r.nextInt(400) - 10, ChronoUnit.DAYS).toString());
            return body;
        });
    }

    @Property(tries = TRIES)
    void shareBalance(@ForAll long seed) {
        fuzz("POST /consents/{id}/shares/balance", seed, r -> "/api/v1/consents/" + consentId(r) + "/shares/balance", r ->
                (ObjectNode) JSON.readTree("{\"linkId\":\"" + pick(r, ownLink, foreignLink, "nope") + "\",\"amount\":12.5,"
                        + "\"currency\":\"" + pick(r, "EUR", "GBP", "eur") + "\",\"asOf\":\"" + Instant.now()
                        + "\",\"purpose\":\"" + pick(r, "FRAUD_ALERTS", "ADVERTISING", "BALANCE_CHECK") + "\"}"));
    }

    @Property(tries = TRIES)
    void shareTransactions(@ForAll long seed) {
        fuzz("POST /consents/{id}/shares/transactions", seed, r -> "/api/v1/consents/" + consentId(r) + "/shares/transactions", r ->
                (ObjectNode) JSON.readTree("{\"linkId\":\"" + pick(r, ownLink, foreignLink) + "\",\"purpose\":\"FRAUD_ALERTS\","
                        + "\"transactions\":[{\"transactionId\":\"t-" + r.nextInt(50) + "\",\"bookedAt\":\""
                        + Instant.now().minus(r.nextInt(200), ChronoUnit.DAYS) + "\",\"amount\":-3.10,\"currency\":\"EUR\","
                        + "\"description\":\"d\",\"merchant\":\"m\",\"channel\":\"" + pick(r, "card", "messenger") + "\"}]}"));
    }

    // --- the check ---------------------------------------------------------------------------------------------

    private void fuzz(String endpoint, long seed, java.util.function.Function<Random, String> path,
                      java.util.function.Function<Random, ObjectNode> validBody) {
        Random random = new Random(seed);
        String target = path.apply(random);
        String body = mutate(validBody.apply(random), random);
        String key = KEYS[random.nextInt(KEYS.length)];
        long before = engine.headPosition();
        HttpResponse<String> response = send(target, body, key);
        long after = engine.headPosition();
        int status = response.statusCode();
        STATS.computeIfAbsent(endpoint, e -> new ConcurrentHashMap<>()).computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        String what = endpoint + " as " + key + " to " + target + " with " + body + " -> " + status + " " + response.body();
        assertThat(status).as(what).isBetween(200, 499);
        if (status >= 400) {
            assertThat(response.headers().firstValue("Content-Type").orElse("")).as(what).startsWith("application/problem+json");
            assertThat(response.body()).as(what).contains("https://consent-ledger.dev/problems/")
                                       .doesNotContain("Exception", "java.", "at io.", "ObjectId");
            assertThat(after).as("a refused request appended events: " + what).isEqualTo(before);
        } else if (target.endsWith("/unlink")) {
            settle(); // the unlink's revocations are appended asynchronously
        }
    }

    /** Mutates a valid body: usually one or two changes, sometimes none (so valid requests are fuzzed too). */
    static String mutate(ObjectNode body, Random random) {
        int changes = random.nextInt(3);
        String text = null;
        for (int i = 0; i < changes; i++) {
            List<String> fields = new ArrayList<>(body.propertyNames());
            String field = fields.isEmpty() ? "x" : fields.get(random.nextInt(fields.size()));
            switch (random.nextInt(10)) {
                case 0 -> body.remove(field);
                case 1 -> body.putNull(field);
                case 2 -> body.put(field, random.nextLong());
                case 3 -> body.put(field, "x".repeat(random.nextInt(3) == 0 ? 100_000 : 1 + random.nextInt(300)));
                case 4 -> body.put(field, pick(random, "", " ", "\u0000", "💥", "../../etc", "$where", "{\"$gt\":\"\"}", "1e999", "-1"));
                case 5 -> body.set(field, JSON.createArrayNode().add(1).add("two"));
                case 6 -> body.set(field, JSON.createObjectNode().put("$ne", 1));
                case 7 -> body.put("unknown" + random.nextInt(5), true);
                case 8 -> text = body.toString().replaceFirst("\\{", "{\"" + field + "\":null,"); // duplicated field
                default -> {
                    String whole = body.toString();
                    text = whole.substring(0, random.nextInt(Math.max(1, whole.length())));  // cut short
                }
            }
        }
        return text != null ? text : body.toString();
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private static String consentId(Random r) {
        return pick(r, ownConsent, ownConsent, foreignConsent, ownLink, "nope-" + r.nextInt(1000), "a%3Bb", "x".repeat(200), "%20");
    }

    private static String linkId(Random r) {
        return pick(r, ownLink, foreignLink, ownConsent, "nope-" + r.nextInt(1000), "%24where", "x".repeat(200));
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... values) {
        return values[random.nextInt(values.length)];
    }

    private static ObjectNode evidence() {
        ObjectNode body = JSON.createObjectNode();
        body.set("evidence", JSON.createObjectNode().put("channel", "MOBILE_APP")
                                 .put("authorisedAt", Instant.now().minusSeconds(5).toString()).put("disclosureVersion", "tc-7"));
        return body;
    }

    private static ObjectNode linkBody(String linkId, String providerId) {
        ObjectNode body = evidence();
        body.put("linkId", linkId).put("customerId", "cust-f").put("providerId", providerId)
            .put("accountId", "acc-" + linkId).put("currency", "EUR");
        return body;
    }

    private static ObjectNode consentBody(String consentId, String linkId, String recipientId) {
        ObjectNode body = JSON.createObjectNode().put("consentId", consentId).put("recipientId", recipientId)
                              .put("expiresAt", Instant.now().plus(Duration.ofDays(90)).toString());
        ArrayNode links = body.putArray("linkIds");
        links.add(linkId);
        body.putArray("scopes").add("BALANCES").add("TRANSACTIONS");
        body.putArray("purposes").add("FRAUD_ALERTS");
        body.set("window", JSON.createObjectNode().put("lookbackDays", 90));
        body.set("frequency", JSON.createObjectNode().put("maxPerDay", 1000));
        return body;
    }

    private static String seedLink(String key, String provider) {
        String linkId = "link-" + UUID.randomUUID();
        HttpResponse<String> created = send("/api/v1/links", linkBody(linkId, provider).toString(), key);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return linkId;
    }

    private static String seedConsent(String linkId) {
        String consentId = "consent-" + UUID.randomUUID();
        assertThat(send("/api/v1/consents", consentBody(consentId, linkId, "messenger").toString(), "dev-key-messenger")
                .statusCode()).isEqualTo(201);
        String provider = linkId.equals(ownLink) ? "dev-key-bank-1" : "dev-key-bank-2";
        assertThat(send("/api/v1/consents/" + consentId + "/authorise", evidence().toString(), provider).statusCode()).isEqualTo(200);
        return consentId;
    }

    private static void settle() {
        long head = engine.headPosition();
        for (int i = 0; i < 50; i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = engine.headPosition();
            if (now == head && i >= 3) {
                return;
            }
            head = now;
        }
    }

    private static HttpResponse<String> send(String path, String body, String key) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                                     .header("Content-Type", "application/json")
                                                     .POST(HttpRequest.BodyPublishers.ofString(body));
            if (key != null) {
                request.header("Authorization", "ApiKey " + key);
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
