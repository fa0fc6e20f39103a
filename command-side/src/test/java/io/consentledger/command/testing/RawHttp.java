package io.consentledger.command.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP over a plain socket, for what a client library will not send (a broken request line, a bad header, TRACE,
 * a body that never arrives) and for timing what the server does with it.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** The parsed head and body of a response, and how long it took to arrive. */
    public record Answer(int status, String head, String body, long millis) {
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        public String contentType() {
            String type = header("Content-Type");
            return type == null ? "" : type.toLowerCase(Locale.ROOT);
        }
    }

    /** Opens a connection and sends these bytes, leaving it open. */
    public static Socket open(int port, String request) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return socket;
    }

    /** Sends a whole request on a new connection and reads the answer (until the server closes or the body ends). */
    public static Answer exchange(int port, String request, int timeoutMillis) throws IOException {
        try (Socket socket = open(port, request)) {
            return read(socket, timeoutMillis);
        }
    }

    /** Reads one response from an open connection within the timeout; status -1 when none arrived in time. */
    public static Answer read(Socket socket, int timeoutMillis) throws IOException {
        long start = System.nanoTime();
        socket.setSoTimeout(timeoutMillis);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                bytes.write(buffer, 0, n);
                if (complete(bytes.toString(StandardCharsets.ISO_8859_1))) {
                    break;
                }
                long left = timeoutMillis - (System.nanoTime() - start) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout((int) left);
            }
        } catch (SocketTimeoutException | java.net.SocketException stopped) {
            // what arrived so far is the answer
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        String text = bytes.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            return new Answer(-1, text, "", millis);
        }
        String head = text.substring(0, end);
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(new Answer(0, head, "", 0).header("Transfer-Encoding"))) {
            body = dechunk(body);
        }
        return new Answer(Integer.parseInt(head.substring(9, 12)), head, body, millis);
    }

    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        Answer head = new Answer(0, text.substring(0, end), "", 0);
        String length = head.header("Content-Length");
        if (length != null) {
            return text.length() - end - 4 >= Integer.parseInt(length);
        }
        if ("chunked".equalsIgnoreCase(head.header("Transfer-Encoding"))) {
            return text.endsWith("\r\n0\r\n\r\n");
        }
        return false;
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }
}
