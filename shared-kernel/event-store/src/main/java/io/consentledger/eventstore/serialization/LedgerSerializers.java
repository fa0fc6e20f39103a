package io.consentledger.eventstore.serialization;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.axonframework.serialization.json.JacksonSerializer;

import java.math.BigDecimal;

/**
 * The one serializer configuration for everything Axon stores: events, snapshots, tokens, dead letters.
 * <p>
 * Axon's {@link JacksonSerializer} on Jackson 2 (see docs/decisions.md). Its output is JSON that the event store
 * keeps as readable BSON, so:
 * <ul>
 *     <li>{@link BigDecimal} is written as a string: a JSON number would become a BSON double and lose exactness;</li>
 *     <li>{@code java.time} values are ISO-8601 strings, never epoch numbers;</li>
 *     <li>unknown properties are ignored on read, so adding a field to an event needs no upcaster. Renaming or
 *     changing the meaning of a field does: events are forever.</li>
 * </ul>
 */
public final class LedgerSerializers {

    private LedgerSerializers() {
    }

    public static ObjectMapper objectMapper() {
        ObjectMapper mapper = JsonMapper.builder()
                                        .addModule(new JavaTimeModule())
                                        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                                        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                                        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                                        .build();
        mapper.configOverride(BigDecimal.class).setFormat(JsonFormat.Value.forShape(JsonFormat.Shape.STRING));
        return mapper;
    }

    public static JacksonSerializer jackson() {
        return JacksonSerializer.builder().objectMapper(objectMapper()).build();
    }

    /**
     * For snapshots: an aggregate keeps its state in private fields, without getters, so snapshots are written and
     * read field by field. Events keep the record-based mapping of {@link #jackson()}.
     */
    public static JacksonSerializer snapshots() {
        ObjectMapper mapper = objectMapper();
        mapper.setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE);
        mapper.setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
        mapper.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        return JacksonSerializer.builder().objectMapper(mapper).build();
    }
}
