package io.consentledger.command.api.json;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

import java.time.Instant;

/**
 * HTTP JSON (Jackson 3) is strict: unknown properties, duplicate keys, trailing tokens, nulls for primitives and
 * scalar coercions (a number where a string is expected, "12" for a number) are all refused with 400; so are a
 * fraction where an integer is expected ({@code "lookbackDays": 1.5}), an instant that is not an ISO-8601 string
 * ({@link StrictInstantDeserializer}) and a byte-order mark ({@link NoByteOrderMark}) (issue 14, finding 15).
 */
@Configuration(proxyBeanMethods = false)
public class StrictJsonConfiguration {

    @Bean
    JsonMapperBuilderCustomizer strictJson() {
        return builder -> builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                                 .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                                 .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                                 .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                                 .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                                 .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                                 .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                                 .addModule(new SimpleModule("strict-instants").addDeserializer(Instant.class, new StrictInstantDeserializer()))
                                 .withCoercionConfig(LogicalType.Integer, integer -> integer
                                         .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
                                 .withCoercionConfig(LogicalType.Textual, text -> text
                                         .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                         .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                         .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }
}
