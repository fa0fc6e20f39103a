package io.consentledger.verifiable.json;

/** Text that is not the JSON expected, or a value that the canonical writer cannot represent exactly. */
public class JsonException extends IllegalArgumentException {

    public JsonException(String message) {
        super(message);
    }
}
