package io.consentledger.security.container;

import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.net.ApplicationBufferHandler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request answered before its body was read (a 401 on the headers, a 413, a 429, a 408) closes its connection
 * without reading the rest, unless the rest is already in the buffer. Tomcat would otherwise "swallow" the unread body after the answer, on the worker thread,
 * to keep the connection alive: a client that sends its body slowly then holds a thread per connection although it
 * was refused at once (issue 14, finding 1).
 * <p>
 * A 413 is the exception, within bounds: its client is by definition sending a large body, and closing under it
 * makes the kernel reset the connection while the client still writes, so that the client sees a broken pipe
 * instead of the answer. After a 413 the answer is sent, then the rest of the declared body is read and discarded (a
 * "lingering close", as httpd and nginx do) before the connection closes: only when the declared length is at most
 * {@link #DRAIN_BYTES}, for at most {@link #DRAIN_TIME} without ever waiting on a read longer than that, on at most
 * a quarter of the API's threads at once, and only with a thread the API could have taken
 * ({@link InFlightLimitFilter}: health keeps its reserved threads). Otherwise the connection closes at once, as
 * before. Tomcat's own swallowing cannot do this: it never swallows after a status that drops the connection (413
 * among them), and bounds only each read, not the whole.
 */
public class UnreadBodyValve extends ValveBase {

    /** The largest remaining body drained after a 413; beyond it the connection closes at once. */
    public static final long DRAIN_BYTES = 4L * 1024 * 1024;
    /** The longest a drain holds its thread. */
    public static final Duration DRAIN_TIME = Duration.ofSeconds(2);
    private static final long POLL_MILLIS = 5;

    private final InFlightLimitFilter inFlight;
    private final Semaphore draining;

    /** No drains: every connection answered before its body closes at once. */
    public UnreadBodyValve() {
        this(null);
    }

    /** Drains after a 413 with threads of the API's share ({@code inFlight}); none when it is null. */
    public UnreadBodyValve(InFlightLimitFilter inFlight) {
        super(true);
        this.inFlight = inFlight;
        this.draining = new Semaphore(inFlight == null ? 0 : Math.max(1, inFlight.capacity() / 4));
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
            if (response.getStatus() == 413) {
                lingeringClose(response, coyote);
            }
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

    /** Sends the answer, then drains the rest of the body within the bounds; closes at once when out of them. */
    private void lingeringClose(Response response, org.apache.coyote.Request coyote) {
        long length = coyote.getContentLengthLong();
        if (inFlight == null || length < 0 || length - coyote.getBytesRead() > DRAIN_BYTES || !draining.tryAcquire()) {
            return;
        }
        try {
            if (!inFlight.tryTake()) {
                return;
            }
            try {
                response.finishResponse();
                drain(coyote, length);
            } finally {
                inFlight.giveBack();
            }
        } catch (IOException clientGone) {
            // the client closed or reset the connection: nothing to drain, and it closes as it would have
        } finally {
            draining.release();
        }
    }

    /**
     * Reads and discards the body until its declared end or the deadline: only what has arrived is read (a read
     * never waits), and an empty socket is polled every few milliseconds.
     */
    private static void drain(org.apache.coyote.Request coyote, long length) throws IOException {
        long deadline = System.nanoTime() + DRAIN_TIME.toNanos();
        Discard discard = new Discard();
        while (coyote.getBytesRead() < length && System.nanoTime() - deadline < 0) {
            coyote.action(ActionCode.AVAILABLE, Boolean.TRUE);
            if (coyote.getAvailable() > 0) {
                if (coyote.doRead(discard) < 0) {
                    return;
                }
            } else {
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException stopping) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Where drained bytes go: Tomcat hands over a view of its buffer, and nothing is kept. */
    private static final class Discard implements ApplicationBufferHandler {
        private ByteBuffer buffer = EMPTY_BUFFER;

        @Override
        public void setByteBuffer(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public ByteBuffer getByteBuffer() {
            return buffer;
        }

        @Override
        public void expand(int size) {
        }
    }
}
