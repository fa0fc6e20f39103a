package io.consentledger.system.benchmark;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The closed loops' load generator: plain HTTP/1.1 over one kept-alive socket per calling thread and server, the
 * way {@code wrk} sends. {@link java.net.http.HttpClient} costs several times more CPU per request (one selector
 * thread, futures, header maps) and, on the same 2 cores as the system under test, would flatter the floor's ratio
 * (issue 17: the generator's floor must be within 20% of wrk's). Reads the status, skips the body (by
 * {@code Content-Length} or chunked), reconnects when the server closes (Tomcat does after 100 requests on a
 * connection, and after a 400).
 */
final class KeepAliveHttp {

    private static final ThreadLocal<Map<String, Connection>> CONNECTIONS = ThreadLocal.withInitial(HashMap::new);

    private KeepAliveHttp() {
    }

    /** Sends the request on this thread's connection to its server and returns the answer's status. */
    static int send(HttpRequest request) throws IOException {
        URI uri = request.uri();
        byte[] bytes = encode(request);
        String key = uri.getHost() + ":" + uri.getPort();
        Map<String, Connection> connections = CONNECTIONS.get();
        boolean retried = false;
        while (true) {
            Connection connection = connections.get(key);
            boolean fresh = connection == null;
            if (fresh) {
                connection = new Connection(uri.getHost(), uri.getPort());
                connections.put(key, connection);
            }
            try {
                connection.out.write(bytes);
                connection.out.flush();
                Answer answer = connection.read();
                if (answer.close()) {
                    connections.remove(key).close();
                }
                return answer.status();
            } catch (StaleConnection stale) {
                // a kept connection the server had closed before it read anything: once more on a new one
                connections.remove(key).close();
                if (fresh || retried) {
                    throw stale;
                }
                retried = true;
            } catch (IOException e) {
                connections.remove(key).close();
                throw e;
            }
        }
    }

    private static byte[] encode(HttpRequest request) {
        URI uri = request.uri();
        byte[] body = body(request);
        StringBuilder head = new StringBuilder(256);
        head.append(request.method()).append(' ').append(uri.getRawPath());
        if (uri.getRawQuery() != null) {
            head.append('?').append(uri.getRawQuery());
        }
        head.append(" HTTP/1.1\r\nHost: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
        request.headers().map().forEach((name, values) -> values.forEach(
                value -> head.append(name).append(": ").append(value).append("\r\n")));
        if (body.length > 0 || !"GET".equals(request.method())) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    /** The body of a request built with {@code BodyPublishers.ofString} (or none). */
    private static byte[] body(HttpRequest request) {
        if (request.bodyPublisher().isEmpty()) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<Void> done = new CompletableFuture<>();
        request.bodyPublisher().get().subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                out.write(chunk, 0, chunk.length);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.join();
        return out.toByteArray();
    }

    private record Answer(int status, boolean close) {
    }

    /** The server closed a kept connection before answering anything. */
    private static final class StaleConnection extends EOFException {
        StaleConnection() {
            super("connection closed by the server before an answer");
        }
    }

    private static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        /** Own read buffer: {@code BufferedInputStream.read()} takes a lock per byte. */
        private final byte[] buffer = new byte[16 * 1024];
        private int position;
        private int limit;

        Connection(String host, int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        Answer read() throws IOException {
            String statusLine = line(true);
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String header = line(false); !header.isEmpty(); header = line(false)) {
                int colon = header.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            if (chunked) {
                for (long size = chunkSize(); size > 0; size = chunkSize()) {
                    skip(size);
                    line(false); // the CRLF after the chunk
                }
                while (!line(false).isEmpty()) {
                    // trailers
                }
            } else if (length > 0) {
                skip(length);
            } else if (length < 0 && close && status != 204 && status != 304) {
                while (readByte() >= 0) {
                    // body until the server closes
                }
            }
            return new Answer(status, close);
        }

        private long chunkSize() throws IOException {
            String size = line(false);
            int semicolon = size.indexOf(';');
            return Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
        }

        private int readByte() throws IOException {
            if (position == limit) {
                int n = in.read(buffer, 0, buffer.length);
                if (n <= 0) {
                    return -1;
                }
                position = 0;
                limit = n;
            }
            return buffer[position++] & 0xFF;
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                if (position == limit && readByte() >= 0) {
                    position--; // refilled: take it from the buffer below
                }
                if (position == limit) {
                    throw new EOFException("answer cut short");
                }
                int skipped = (int) Math.min(n, limit - position);
                position += skipped;
                n -= skipped;
            }
        }

        private final StringBuilder line = new StringBuilder(128);

        private String line(boolean first) throws IOException {
            line.setLength(0);
            while (true) {
                int c = readByte();
                if (c < 0) {
                    if (first && line.isEmpty()) {
                        throw new StaleConnection();
                    }
                    throw new EOFException("answer cut short");
                }
                if (c == '\n') {
                    int end = line.length();
                    if (end > 0 && line.charAt(end - 1) == '\r') {
                        line.setLength(end - 1);
                    }
                    return line.toString();
                }
                line.append((char) c);
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** For tests of this class: the header lines a request is sent with. */
    static List<String> headLines(HttpRequest request) {
        String all = new String(encode(request), StandardCharsets.ISO_8859_1);
        return List.of(all.substring(0, all.indexOf("\r\n\r\n")).split("\r\n"));
    }
}
