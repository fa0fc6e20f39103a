package io.consentledger.query.notification;

import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;

/**
 * The notification body as bytes on the wire: compact JSON, fields in a fixed order, absent fields left out, times
 * as ISO-8601 strings. The bytes are signed as they are, so they are produced once per delivery and stored.
 */
public final class NotificationJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private NotificationJson() {
    }

    public static String write(Notification notification) {
        return JSON.writeValueAsString(notification);
    }

    public static byte[] bytes(Notification notification) {
        return write(notification).getBytes(StandardCharsets.UTF_8);
    }

    public static Notification read(String json) {
        return JSON.readValue(json, Notification.class);
    }
}
