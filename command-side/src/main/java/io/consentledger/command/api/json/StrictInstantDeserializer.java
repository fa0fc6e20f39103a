package io.consentledger.command.api.json;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.std.StdScalarDeserializer;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * An instant is a JSON string in ISO-8601 ({@code 2026-11-21T09:00:00Z}, or with an offset), nothing else: no epoch
 * numbers, no digits in a string, no arrays (issue 14, finding 15). Anything else is 400 {@code malformed-request}.
 */
final class StrictInstantDeserializer extends StdScalarDeserializer<Instant> {

    StrictInstantDeserializer() {
        super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) {
        if (!parser.hasToken(JsonToken.VALUE_STRING)) {
            return (Instant) context.handleUnexpectedToken(Instant.class, parser);
        }
        String text = parser.getString();
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notIso) {
            return (Instant) context.handleWeirdStringValue(Instant.class, text, "not an ISO-8601 instant");
        }
    }
}
