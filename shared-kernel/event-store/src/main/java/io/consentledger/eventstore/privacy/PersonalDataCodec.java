package io.consentledger.eventstore.privacy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.consentledger.contracts.privacy.Classification;
import io.consentledger.contracts.privacy.DataSubject;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.bson.types.Binary;

import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encrypts the {@code @Personal} fields of an event's serialized payload before it is stored, and decrypts them on
 * read.
 * <p>
 * <b>Format v2</b> (written since issue 16's performance work): all personal values of an event are sealed together,
 * once. Each sealed value is replaced, in place, by {@code null}, and the payload gets one more member
 * {@code "@personal": {"v": "v2", "subject": "providerId/customerId", "data": BinData(nonce || ciphertext || tag)}}
 * (AES-256-GCM). The plaintext is a JSON object from each sealed field's path ({@code amount},
 * {@code links[0].accountId}) to its value, so the field set is authenticated with the values; the associated data
 * is {@code consent-ledger/personal/v2|eventId|subject}: a ciphertext moved to another event or customer, or altered,
 * fails to decrypt. On read, the values go back to their paths, or stay {@code null} once the customer's key was
 * destroyed.
 * <p>
 * <b>Format v1</b> (events stored before; still read, never written): each personal value replaced by its own envelope
 * {@code {"@personal": "v1", "subject": …, "data": base64(nonce || ciphertext || tag)}}, associated data
 * {@code consent-ledger/personal/v1|eventId|field path|subject}. Snapshots are still sealed whole in a v1 envelope.
 * Fields stored in the clear (events written before encryption, or with encryption off) read as they are.
 * <p>
 * Reading through the upcaster chain ({@link #revealShared}) remembers the opened payload of the last events by event
 * id, so that the processors that read the same event open it once; an entry is used only while its customer's key
 * is still readable, and the entries of a customer are dropped when its key is destroyed or evicted.
 */
public final class PersonalDataCodec {

    static final String ENVELOPE = "@personal";
    static final String VERSION = "v1";
    static final String VERSION_2 = "v2";
    /** The version member of a v2 event envelope. */
    static final String V = "v";
    static final String SUBJECT = "subject";
    static final String DATA = "data";
    private static final String CONTEXT = "consent-ledger/personal/v1|";
    private static final String CONTEXT_2 = "consent-ledger/personal/v2|";
    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();
    /** How many opened payloads {@link #revealShared} keeps, by default. */
    public static final int DEFAULT_OPENED_CACHE_SIZE = 4096;

    private static final JsonMapper MAPPER = JsonMapper.builder()
                                                       .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                                                       .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                                                       .build();

    /** Which fields of a record are personal: {@code PERSONAL} or the nested record's plan. */
    private record Plan(Map<String, Object> fields, Method customer, Method provider) {

        static final Plan NONE = new Plan(Map.of(), null, null);

        boolean protects() {
            return !fields.isEmpty();
        }
    }

    private static final Object PERSONAL = new Object();

    /** An opened payload: the stored JSON it came from, the opened JSON, and the customers whose keys opened it. */
    private record Opened(String stored, String opened, Set<String> subjects) {
    }

    private final CustomerKeys keys;
    private final boolean encryptOnWrite;
    private final Map<Class<?>, Plan> plans = new ConcurrentHashMap<>();
    private final Cache<String, Opened> openedByEventId;

    /**
     * @param encryptOnWrite false: new events are stored in the clear (a measurement switch); stored ciphertext is
     *                       still read
     */
    public PersonalDataCodec(CustomerKeys keys, boolean encryptOnWrite) {
        this(keys, encryptOnWrite, DEFAULT_OPENED_CACHE_SIZE);
    }

    /** @param openedCacheSize how many opened payloads {@link #revealShared} keeps (0: none) */
    public PersonalDataCodec(CustomerKeys keys, boolean encryptOnWrite, int openedCacheSize) {
        this.keys = keys;
        this.encryptOnWrite = encryptOnWrite;
        // Maintenance on the calling thread (p9-enc): with Caffeine's default executor every put (one per opened
        // event) woke a common-pool thread to drain the cache's buffers, a cross-thread hand-off that cost more than
        // the drain itself; expiry and size bounds hold either way
        this.openedByEventId = Caffeine.newBuilder().executor(Runnable::run).maximumSize(Math.max(0, openedCacheSize))
                                       .recordStats().build();
        keys.onForget(this::forgetOpened);
    }

    public CustomerKeys keys() {
        return keys;
    }

    // ------------------------------------------------------------------------------------------------ write

    /** The JSON to store for {@code payload}, whose serialized form is {@code json} (format v2). */
    public String protect(String eventId, Object payload, String json) {
        if (!encryptOnWrite || payload == null || json == null || !plan(payload.getClass()).protects()) {
            return json;
        }
        String trimmed = json.strip();
        if (!trimmed.startsWith("{")) {
            return json;
        }
        Document document = Document.parse(trimmed);
        return protect(eventId, payload, document) ? document.toJson(RELAXED) : json;
    }

    /**
     * Seals the personal fields of {@code payload}, whose serialized form is parsed into {@code stored}, in place
     * (format v2: each sealed value becomes null, and one member {@code "@personal"} holds them all).
     *
     * @return whether anything was sealed
     * @throws CustomerErasedException when the customer is erased
     */
    public boolean protect(String eventId, Object payload, Document stored) {
        if (!encryptOnWrite || payload == null) {
            return false;
        }
        Plan plan = plan(payload.getClass());
        if (!plan.protects()) {
            return false;
        }
        String subject = subjectOf(plan, payload);
        SecretKey key = keys.keyForWrite(subject);
        Document plain = new Document();
        collect(stored, plan, "", plain);
        if (plain.isEmpty()) {
            return false;
        }
        byte[] sealed = Aead.seal(key, plaintext(plain), CONTEXT_2 + eventId + "|" + subject);
        stored.put(ENVELOPE, new Document(V, VERSION_2).append(SUBJECT, subject).append(DATA, new Binary(sealed)));
        return true;
    }

    /**
     * The JSON of the sealed values. Jackson writes the plain JSON types a parsed payload holds (strings, numbers,
     * booleans, lists, documents) several times faster than the BSON library's JSON writer; any other BSON type (none
     * comes from the serializer's JSON) goes through the latter, as relaxed extended JSON.
     */
    static byte[] plaintext(Document plain) {
        if (plainJson(plain)) {
            // Jackson's generator directly, not ObjectMapper.writeValueAsBytes: the same bytes (values are written as
            // the mapper's serializers write them), without a serializer provider and a serializer look-up per value
            // (p9-enc: that set-up was a third of a seal's CPU samples; PlaintextWriterTest compares the two)
            ByteArrayBuilder bytes = new ByteArrayBuilder(256);
            try (JsonGenerator generator = MAPPER.getFactory().createGenerator(bytes)) {
                writePlain(generator, plain);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
        return plain.toJson(RELAXED).getBytes(StandardCharsets.UTF_8);
    }

    /** Writes a value {@link #plainJson} accepted. */
    private static void writePlain(JsonGenerator generator, Object value) throws IOException {
        if (value == null) {
            generator.writeNull();
        } else if (value instanceof String text) {
            generator.writeString(text);
        } else if (value instanceof Boolean bool) {
            generator.writeBoolean(bool);
        } else if (value instanceof Integer number) {
            generator.writeNumber(number);
        } else if (value instanceof Long number) {
            generator.writeNumber(number);
        } else if (value instanceof Double number) {
            generator.writeNumber(number);
        } else if (value instanceof Map<?, ?> map) {
            generator.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                generator.writeFieldName(String.valueOf(entry.getKey()));
                writePlain(generator, entry.getValue());
            }
            generator.writeEndObject();
        } else if (value instanceof List<?> list) {
            generator.writeStartArray();
            for (Object element : list) {
                writePlain(generator, element);
            }
            generator.writeEndArray();
        } else {
            throw new IllegalStateException("not a plain JSON value: " + value.getClass().getName());
        }
    }

    private static boolean plainJson(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
            || value instanceof Long) {
            return true;
        }
        if (value instanceof Double number) {
            return Double.isFinite(number);
        }
        if (value instanceof Map<?, ?> map) {
            for (Object element : map.values()) {
                if (!plainJson(element)) {
                    return false;
                }
            }
            return true;
        }
        if (value instanceof List<?> list) {
            for (Object element : list) {
                if (!plainJson(element)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** Moves every non-null personal value of {@code node} into {@code plain} under its path, leaving null. */
    private static void collect(Document node, Plan plan, String prefix, Document plain) {
        for (Map.Entry<String, Object> field : plan.fields().entrySet()) {
            String path = prefix + field.getKey();
            Object value = node.get(field.getKey());
            if (value == null) {
                continue;
            }
            if (field.getValue() == PERSONAL) {
                plain.append(path, value);
                node.put(field.getKey(), null);
            } else {
                Plan nested = (Plan) field.getValue();
                if (value instanceof Document object) {
                    collect(object, nested, path + ".", plain);
                } else if (value instanceof List<?> list) {
                    for (int i = 0; i < list.size(); i++) {
                        if (list.get(i) instanceof Document element) {
                            collect(element, nested, path + "[" + i + "].", plain);
                        }
                    }
                }
            }
        }
    }

    private static String subjectOf(Plan plan, Object payload) {
        try {
            Object customer = plan.customer().invoke(payload);
            Object provider = plan.provider().invoke(payload);
            if (customer == null || provider == null) {
                throw new IllegalStateException(payload.getClass().getSimpleName()
                                                + " holds personal data but names no customer and provider");
            }
            return Classification.subjectId(provider.toString(), customer.toString());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the data subject of " + payload.getClass().getName(), e);
        }
    }

    // ------------------------------------------------------------------------------------------------ read

    /** Whether a stored payload may hold an envelope: cheap, so that most events are not parsed twice. */
    public static boolean mayHoldEnvelope(String json) {
        return json != null && json.contains("\"" + ENVELOPE + "\"");
    }

    /**
     * {@code json} with every envelope decrypted, or {@code null} where the customer's key was destroyed.
     *
     * @throws PersonalDataException when a ciphertext was altered or moved, or its key never existed
     */
    public String reveal(String eventId, String json) {
        if (!mayHoldEnvelope(json)) {
            return json;
        }
        return write(openPayload(read(json), eventId, new HashSet<>()));
    }

    /**
     * {@link #reveal(String, String)} for the events the upcaster chain reads: the opened payload is kept by event id,
     * so that the next reader of the same stored event (another processor) does not open it again. A kept payload is
     * used only for the same stored JSON, and only while every key that opened it is still readable; the payloads a
     * customer's key opened are dropped when that key is destroyed or evicted ({@link CustomerKeys#onForget}).
     *
     * @throws PersonalDataException when a ciphertext was altered or moved, or its key never existed
     */
    public String revealShared(String eventId, String json) {
        if (!mayHoldEnvelope(json)) {
            return json;
        }
        Opened kept = openedByEventId.getIfPresent(eventId);
        if (kept != null && kept.stored().equals(json) && stillReadable(eventId, kept)) {
            return kept.opened();
        }
        Set<String> subjects = new HashSet<>();
        String opened = write(openPayload(read(json), eventId, subjects));
        if (!subjects.isEmpty()) {
            openedByEventId.put(eventId, new Opened(json, opened, Set.copyOf(subjects)));
        }
        return opened;
    }

    /** How often {@link #revealShared} gave a payload it had opened before (for tests and metrics). */
    public long sharedOpenings() {
        return openedByEventId.stats().hitCount();
    }

    private boolean stillReadable(String eventId, Opened kept) {
        for (String subject : kept.subjects()) {
            if (keys.keyForRead(subject).isEmpty()) {
                openedByEventId.asMap().remove(eventId, kept);
                return false;
            }
        }
        return true;
    }

    /** Drops every opened payload that {@code subject}'s key opened. */
    private void forgetOpened(String subject) {
        openedByEventId.asMap().values().removeIf(opened -> opened.subjects().contains(subject));
    }

    /**
     * A stored payload as a map (the raw event listing), with every envelope decrypted, or null where erased.
     *
     * @throws PersonalDataException when a ciphertext was altered or moved, or its key never existed
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> reveal(String eventId, Map<String, Object> payload) {
        if (payload == null) {
            return null;
        }
        String json = payload instanceof Document document ? document.toJson(RELAXED) : write(MAPPER.valueToTree(payload));
        if (!mayHoldEnvelope(json)) {
            return payload;
        }
        JsonNode revealed = openPayload(read(json), eventId, new HashSet<>());
        return MAPPER.convertValue(revealed, Map.class);
    }

    /** The payload with its v2 envelope or its v1 envelopes opened; {@code subjects} gets the customers whose keys opened it. */
    private JsonNode openPayload(JsonNode root, String eventId, Set<String> subjects) {
        if (root instanceof ObjectNode object && object.get(ENVELOPE) instanceof ObjectNode envelope) {
            object.remove(ENVELOPE);
            openVersion2(object, envelope, eventId, subjects);
            return object;
        }
        return open(root, "", eventId, subjects);
    }

    private void openVersion2(ObjectNode payload, ObjectNode envelope, String eventId, Set<String> subjects) {
        String subject = envelope.path(SUBJECT).asText(null);
        byte[] data = binary(envelope.get(DATA));
        if (!VERSION_2.equals(envelope.path(V).asText()) || subject == null || data == null) {
            throw new PersonalDataException("Event " + eventId + ", its personal fields: not a readable envelope");
        }
        Optional<SecretKey> key;
        try {
            key = keys.keyForRead(subject);
        } catch (PersonalDataException e) {
            throw new PersonalDataException("Event " + eventId + ", its personal fields: " + e.getMessage(), e);
        }
        if (key.isEmpty()) {
            return; // erased: the sealed fields stay null
        }
        JsonNode plain;
        try {
            plain = MAPPER.readTree(Aead.open(key.get(), data, CONTEXT_2 + eventId + "|" + subject));
        } catch (AEADBadTagException e) {
            throw new PersonalDataException("Event " + eventId + ", its personal fields"
                                            + ": the ciphertext does not belong here (altered, or moved from another event)");
        } catch (IOException e) {
            throw new PersonalDataException("Event " + eventId + ", its personal fields: the decrypted value is not JSON");
        }
        if (!(plain instanceof ObjectNode fields)) {
            throw new PersonalDataException("Event " + eventId + ", its personal fields: the decrypted value is not an object");
        }
        Iterator<Map.Entry<String, JsonNode>> values = fields.fields();
        while (values.hasNext()) {
            Map.Entry<String, JsonNode> value = values.next();
            place(payload, value.getKey(), value.getValue(), eventId);
        }
        subjects.add(subject);
    }

    /** Puts {@code value} back at {@code path} ({@code a.b[2].c}), where the stored payload holds null. */
    private static void place(ObjectNode payload, String path, JsonNode value, String eventId) {
        JsonNode node = payload;
        String[] steps = path.split("\\.");
        for (int i = 0; i < steps.length; i++) {
            String step = steps[i];
            int bracket = step.indexOf('[');
            String name = bracket < 0 ? step : step.substring(0, bracket);
            boolean last = i == steps.length - 1;
            if (!(node instanceof ObjectNode object)) {
                break;
            }
            if (last && bracket < 0) {
                JsonNode placeholder = object.get(name);
                if (placeholder == null || placeholder.isNull()) {
                    object.set(name, value);
                    return;
                }
                break;
            }
            node = object.get(name);
            if (bracket >= 0) {
                int index;
                try {
                    index = Integer.parseInt(step.substring(bracket + 1, step.length() - 1));
                } catch (NumberFormatException e) {
                    break;
                }
                node = node instanceof ArrayNode array && index < array.size() ? array.get(index) : null;
            }
        }
        throw new PersonalDataException("Event " + eventId + ", field " + path + ": the sealed value has no place in the event");
    }

    /** The bytes of a v2 envelope's data: BSON binary as relaxed extended JSON, or base64 text. */
    private static byte[] binary(JsonNode data) {
        try {
            if (data instanceof ObjectNode object && object.get("$binary") instanceof ObjectNode binary) {
                return Base64.getDecoder().decode(binary.path("base64").asText(""));
            }
            if (data instanceof ObjectNode object && object.get("$binary") != null && object.get("$binary").isTextual()) {
                return Base64.getDecoder().decode(object.get("$binary").asText()); // legacy extended JSON
            }
            if (data != null && data.isTextual()) {
                return Base64.getDecoder().decode(data.asText());
            }
            if (data != null && data.isBinary()) {
                return data.binaryValue();
            }
        } catch (IllegalArgumentException | IOException e) {
            return null;
        }
        return null;
    }

    private JsonNode open(JsonNode node, String path, String eventId, Set<String> subjects) {
        if (node instanceof ObjectNode object) {
            if (object.has(ENVELOPE)) {
                return openEnvelope(object, path, eventId, subjects);
            }
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            Map<String, JsonNode> replaced = new LinkedHashMap<>();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String childPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                JsonNode child = open(field.getValue(), childPath, eventId, subjects);
                if (child != field.getValue()) {
                    replaced.put(field.getKey(), child);
                }
            }
            replaced.forEach(object::set);
            return object;
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode child = open(array.get(i), path + "[" + i + "]", eventId, subjects);
                if (child != array.get(i)) {
                    array.set(i, child);
                }
            }
        }
        return node;
    }

    private JsonNode openEnvelope(ObjectNode envelope, String path, String eventId, Set<String> subjects) {
        String subject = envelope.path(SUBJECT).asText(null);
        String data = envelope.path(DATA).asText(null);
        if (!VERSION.equals(envelope.path(ENVELOPE).asText()) || subject == null || data == null) {
            throw new PersonalDataException("Event " + eventId + ", field " + path + ": not a readable envelope");
        }
        Optional<SecretKey> key;
        try {
            key = keys.keyForRead(subject);
        } catch (PersonalDataException e) {
            throw new PersonalDataException("Event " + eventId + ", field " + path + ": " + e.getMessage(), e);
        }
        if (key.isEmpty()) {
            return NullNode.getInstance(); // erased
        }
        try {
            byte[] plain = Aead.open(key.get(), Base64.getDecoder().decode(data), CONTEXT + eventId + "|" + path + "|" + subject);
            JsonNode value = MAPPER.readTree(plain);
            subjects.add(subject);
            return value;
        } catch (AEADBadTagException | IllegalArgumentException e) {
            throw new PersonalDataException("Event " + eventId + ", field " + path
                                            + ": the ciphertext does not belong here (altered, or moved from another event or field)");
        } catch (IOException e) {
            throw new PersonalDataException("Event " + eventId + ", field " + path + ": the decrypted value is not JSON");
        }
    }

    // ------------------------------------------------------------------------------------------------ snapshots

    /**
     * The JSON to store for a snapshot of {@code aggregate}: when a field of the aggregate names its customer
     * ({@link DataSubject}), the whole serialized aggregate as one envelope under the customer's key, bound to the
     * snapshot's id and the aggregate's id; otherwise (or with encryption off) as it is.
     *
     * @throws CustomerErasedException when the customer is erased (no snapshot is stored then)
     */
    public String protectSnapshot(String snapshotId, String aggregateId, Object aggregate, String json) {
        if (!encryptOnWrite || aggregate == null) {
            return json;
        }
        Optional<String> subject = snapshotSubject(aggregate);
        if (subject.isEmpty()) {
            return json;
        }
        SecretKey key = keys.keyForWrite(subject.get());
        byte[] sealed = Aead.seal(key, json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                  snapshotContext(snapshotId, aggregateId, subject.get()));
        ObjectNode envelope = MAPPER.createObjectNode();
        envelope.put(ENVELOPE, VERSION).put(SUBJECT, subject.get()).put(DATA, Base64.getEncoder().encodeToString(sealed));
        return write(envelope);
    }

    /**
     * A stored snapshot's JSON, opened: as it is when it is not an envelope (stored in the clear), empty once the
     * customer's key was destroyed.
     *
     * @throws PersonalDataException when the ciphertext was altered or belongs to another snapshot or aggregate
     */
    public Optional<String> revealSnapshot(String snapshotId, String aggregateId, String json) {
        if (!mayHoldEnvelope(json)) {
            return Optional.of(json);
        }
        JsonNode root = read(json);
        if (!(root instanceof ObjectNode envelope) || !envelope.has(ENVELOPE)) {
            return Optional.of(json);
        }
        String subject = envelope.path(SUBJECT).asText(null);
        String data = envelope.path(DATA).asText(null);
        if (!VERSION.equals(envelope.path(ENVELOPE).asText()) || subject == null || data == null) {
            throw new PersonalDataException("Snapshot " + snapshotId + " of " + aggregateId + ": not a readable envelope");
        }
        Optional<SecretKey> key = keys.keyForRead(subject);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        try {
            byte[] plain = Aead.open(key.get(), Base64.getDecoder().decode(data), snapshotContext(snapshotId, aggregateId, subject));
            return Optional.of(new String(plain, java.nio.charset.StandardCharsets.UTF_8));
        } catch (AEADBadTagException | IllegalArgumentException e) {
            throw new PersonalDataException("Snapshot " + snapshotId + " of " + aggregateId
                                            + ": the ciphertext does not belong here (altered, or moved from another snapshot)");
        }
    }

    private static String snapshotContext(String snapshotId, String aggregateId, String subject) {
        return CONTEXT + snapshotId + "|(snapshot of " + aggregateId + ")|" + subject;
    }

    /** The customer named by the aggregate's {@link DataSubject} field and its provider field, if it has one. */
    private static Optional<String> snapshotSubject(Object aggregate) {
        java.lang.reflect.Field[] fields = SNAPSHOT_SUBJECTS.computeIfAbsent(aggregate.getClass(), PersonalDataCodec::subjectFields);
        if (fields.length == 0) {
            return Optional.empty();
        }
        try {
            Object customer = fields[0].get(aggregate);
            Object provider = fields[1].get(aggregate);
            return customer == null || provider == null ? Optional.empty()
                    : Optional.of(Classification.subjectId(provider.toString(), customer.toString()));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read the data subject of " + aggregate.getClass().getName(), e);
        }
    }

    private static final Map<Class<?>, java.lang.reflect.Field[]> SNAPSHOT_SUBJECTS = new ConcurrentHashMap<>();

    private static java.lang.reflect.Field[] subjectFields(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (java.lang.reflect.Field field : c.getDeclaredFields()) {
                DataSubject subject = field.getAnnotation(DataSubject.class);
                if (subject != null && !type.isRecord()) {
                    try {
                        java.lang.reflect.Field provider = c.getDeclaredField(subject.provider());
                        field.setAccessible(true);
                        provider.setAccessible(true);
                        return new java.lang.reflect.Field[]{field, provider};
                    } catch (NoSuchFieldException e) {
                        throw new IllegalStateException(type.getName() + "." + field.getName()
                                                        + " names a provider field " + subject.provider() + " it does not have");
                    }
                }
            }
        }
        return new java.lang.reflect.Field[0];
    }

    // ------------------------------------------------------------------------------------------------ plans

    /** Whether events of this type have personal fields. */
    public boolean protects(Class<?> type) {
        return plan(type).protects();
    }

    private Plan plan(Class<?> type) {
        return plans.computeIfAbsent(type, PersonalDataCodec::planOf);
    }

    private static Plan planOf(Class<?> type) {
        if (!type.isRecord()) {
            return Plan.NONE;
        }
        Map<String, Object> fields = nestedFields(type);
        if (fields.isEmpty()) {
            return Plan.NONE;
        }
        Method customer = null;
        Method provider = null;
        for (RecordComponent component : type.getRecordComponents()) {
            DataSubject subject = component.getAnnotation(DataSubject.class);
            if (subject != null) {
                customer = component.getAccessor();
                for (RecordComponent other : type.getRecordComponents()) {
                    if (other.getName().equals(subject.provider())) {
                        provider = other.getAccessor();
                    }
                }
            }
        }
        if (customer == null || provider == null) {
            throw new IllegalStateException(type.getName() + " has personal fields but no @DataSubject and provider");
        }
        customer.setAccessible(true);
        provider.setAccessible(true);
        return new Plan(fields, customer, provider);
    }

    private static Map<String, Object> nestedFields(Class<?> record) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (RecordComponent component : record.getRecordComponents()) {
            Classification.Kind kind = Classification.of(component).orElse(null);
            if (kind == Classification.Kind.PERSONAL) {
                fields.put(component.getName(), PERSONAL);
            } else if (kind == Classification.Kind.PARTLY_PERSONAL) {
                Classification.nestedRecord(component).map(PersonalDataCodec::nestedFields)
                              .filter(nested -> !nested.isEmpty())
                              .ifPresent(nested -> fields.put(component.getName(), new Plan(nested, null, null)));
            }
        }
        return fields;
    }

    // ------------------------------------------------------------------------------------------------ json

    private static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new PersonalDataException("a stored payload is not JSON", e);
        }
    }

    private static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
