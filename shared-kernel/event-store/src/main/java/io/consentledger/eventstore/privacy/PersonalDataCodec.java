package io.consentledger.eventstore.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consentledger.contracts.privacy.Classification;
import io.consentledger.contracts.privacy.DataSubject;

import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encrypts the {@code @Personal} fields of an event's serialized JSON before it is stored, and decrypts them on read.
 * <p>
 * A personal value is replaced, in place, by an envelope
 * {@code {"@personal": "v1", "subject": "providerId/customerId", "data": base64(nonce || AES-256-GCM(json of the value) || tag)}}.
 * The associated data is {@code consent-ledger/personal/v1|eventId|field path|subject}: a ciphertext moved to another
 * event, another field or another customer fails to decrypt. On read, each envelope becomes the value again, or
 * {@code null} once the customer's key was destroyed. Fields stored in the clear (events written before encryption,
 * or with encryption off) read as they are.
 */
public final class PersonalDataCodec {

    static final String ENVELOPE = "@personal";
    static final String VERSION = "v1";
    static final String SUBJECT = "subject";
    static final String DATA = "data";
    private static final String CONTEXT = "consent-ledger/personal/v1|";

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

    private final CustomerKeys keys;
    private final boolean encryptOnWrite;
    private final Map<Class<?>, Plan> plans = new ConcurrentHashMap<>();

    /**
     * @param encryptOnWrite false: new events are stored in the clear (a measurement switch); stored ciphertext is
     *                       still read
     */
    public PersonalDataCodec(CustomerKeys keys, boolean encryptOnWrite) {
        this.keys = keys;
        this.encryptOnWrite = encryptOnWrite;
    }

    public CustomerKeys keys() {
        return keys;
    }

    // ------------------------------------------------------------------------------------------------ write

    /** The JSON to store for {@code payload}, whose serialized form is {@code json}. */
    public String protect(String eventId, Object payload, String json) {
        if (!encryptOnWrite || payload == null) {
            return json;
        }
        Plan plan = plan(payload.getClass());
        if (!plan.protects()) {
            return json;
        }
        String subject = subjectOf(plan, payload);
        SecretKey key = keys.keyForWrite(subject);
        JsonNode root = read(json);
        if (!(root instanceof ObjectNode object)) {
            return json;
        }
        seal(object, plan, "", key, eventId, subject);
        return write(root);
    }

    private void seal(ObjectNode node, Plan plan, String prefix, SecretKey key, String eventId, String subject) {
        for (Map.Entry<String, Object> field : plan.fields().entrySet()) {
            String path = prefix + field.getKey();
            JsonNode value = node.get(field.getKey());
            if (value == null || value.isNull()) {
                continue;
            }
            if (field.getValue() == PERSONAL) {
                byte[] sealed = Aead.seal(key, writeBytes(value), CONTEXT + eventId + "|" + path + "|" + subject);
                ObjectNode envelope = MAPPER.createObjectNode();
                envelope.put(ENVELOPE, VERSION).put(SUBJECT, subject).put(DATA, Base64.getEncoder().encodeToString(sealed));
                node.set(field.getKey(), envelope);
            } else {
                Plan nested = (Plan) field.getValue();
                if (value instanceof ObjectNode object) {
                    seal(object, nested, path + ".", key, eventId, subject);
                } else if (value instanceof ArrayNode array) {
                    for (int i = 0; i < array.size(); i++) {
                        if (array.get(i) instanceof ObjectNode element) {
                            seal(element, nested, path + "[" + i + "].", key, eventId, subject);
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
        JsonNode root = read(json);
        JsonNode revealed = open(root, "", eventId);
        return write(revealed);
    }

    /**
     * A stored payload as a map (the raw event listing), with every envelope decrypted, or null where erased.
     *
     * @throws PersonalDataException when a ciphertext was altered or moved, or its key never existed
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> reveal(String eventId, Map<String, Object> payload) {
        if (payload == null || !mayHoldEnvelope(write(MAPPER.valueToTree(payload)))) {
            return payload;
        }
        JsonNode revealed = open(MAPPER.valueToTree(payload), "", eventId);
        return MAPPER.convertValue(revealed, Map.class);
    }

    private JsonNode open(JsonNode node, String path, String eventId) {
        if (node instanceof ObjectNode object) {
            if (object.has(ENVELOPE)) {
                return openEnvelope(object, path, eventId);
            }
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            Map<String, JsonNode> replaced = new LinkedHashMap<>();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String childPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                JsonNode child = open(field.getValue(), childPath, eventId);
                if (child != field.getValue()) {
                    replaced.put(field.getKey(), child);
                }
            }
            replaced.forEach(object::set);
            return object;
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode child = open(array.get(i), path + "[" + i + "]", eventId);
                if (child != array.get(i)) {
                    array.set(i, child);
                }
            }
        }
        return node;
    }

    private JsonNode openEnvelope(ObjectNode envelope, String path, String eventId) {
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
            return MAPPER.readTree(plain);
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

    private static byte[] writeBytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
