package io.consentledger.command.api.json;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.lang.reflect.Type;

/**
 * A JSON body starts with JSON: a UTF-8 byte-order mark (RFC 8259 §8.1: "MUST NOT add") is refused as 400
 * {@code malformed-request} instead of being skipped silently (issue 14, finding 15).
 */
@ControllerAdvice
class NoByteOrderMark extends RequestBodyAdviceAdapter {

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    @Override
    public boolean supports(MethodParameter parameter, Type targetType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public HttpInputMessage beforeBodyRead(HttpInputMessage message, MethodParameter parameter, Type targetType,
                                           Class<? extends HttpMessageConverter<?>> converterType) throws IOException {
        PushbackInputStream body = new PushbackInputStream(message.getBody(), BOM.length);
        byte[] head = body.readNBytes(BOM.length);
        if (head.length == BOM.length && head[0] == BOM[0] && head[1] == BOM[1] && head[2] == BOM[2]) {
            throw new HttpMessageNotReadableException("A JSON body must not start with a byte-order mark", message);
        }
        body.unread(head);
        return new HttpInputMessage() {
            @Override
            public InputStream getBody() {
                return body;
            }

            @Override
            public HttpHeaders getHeaders() {
                return message.getHeaders();
            }
        };
    }
}
