package io.consentledger.security.container;

import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request answered before its body was read (a 401 on the headers, a 413, a 429, a 408) closes its connection
 * without reading the rest, unless the rest is already in the buffer. Tomcat would otherwise "swallow" the unread body after the answer, on the worker thread,
 * to keep the connection alive: a client that sends its body slowly then holds a thread per connection although it
 * was refused at once (issue 14, finding 1).
 */
public class UnreadBodyValve extends ValveBase {

    public UnreadBodyValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        getNext().invoke(request, response);
        if (request.isAsyncStarted()) {
            return;
        }
        AtomicBoolean fullyRead = new AtomicBoolean(true);
        org.apache.coyote.Request coyote = request.getCoyoteRequest();
        coyote.action(ActionCode.REQUEST_BODY_FULLY_READ, fullyRead);
        if (!fullyRead.get() && !arrived(coyote)) {
            if (!response.isCommitted()) {
                response.setHeader("Connection", "close");
            }
            coyote.action(ActionCode.DISABLE_SWALLOW_INPUT, null);
        }
    }

    /**
     * Whether the rest of a declared body is already in Tomcat's buffer (a small body sent with its headers, the usual
     * case): then reading it past costs nothing and the connection stays open for the client's next request.
     */
    private static boolean arrived(org.apache.coyote.Request coyote) {
        long length = coyote.getContentLengthLong();
        if (length < 0) {
            return false;
        }
        coyote.action(ActionCode.AVAILABLE, Boolean.TRUE);
        return coyote.getAvailable() >= length - coyote.getBytesRead();
    }
}
