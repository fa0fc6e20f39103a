package io.consentledger.security.container;

import io.consentledger.security.problem.Causes;
import io.consentledger.security.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Bounds the time a request body may take to arrive: a read after {@code consent-ledger.security.request-arrival-timeout}
 * (counted from when the headers were in) fails, and so does a single read that waits longer than the container's
 * {@code server.tomcat.connection-timeout}; either is answered 408 {@code request-timeout} and the connection closed.
 * A slow body thus holds its worker thread for at most the arrival timeout plus one read timeout.
 */
public class RequestArrivalFilter extends OncePerRequestFilter {

    private final long timeoutNanos;

    public RequestArrivalFilter(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /** Whether a failure is a body that did not arrive in time (ours, or the container's read timeout). */
    public static boolean isArrivalTimeout(Throwable failure) {
        return Causes.find(failure, SocketTimeoutException.class).isPresent();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            chain.doFilter(new Deadlined(request, deadline), response);
        } catch (IOException | ServletException | RuntimeException failure) {
            if (!isArrivalTimeout(failure)) {
                throw failure;
            }
            writeTimeout(response);
        }
    }

    public static void writeTimeout(HttpServletResponse response) throws IOException {
        if (!response.isCommitted()) {
            response.setHeader("Connection", "close");
            Problems.write(response, HttpStatus.REQUEST_TIMEOUT, Problems.REQUEST_TIMEOUT, "Request timeout",
                           "The request body did not arrive in time");
        }
    }

    private static final class Deadlined extends HttpServletRequestWrapper {

        private final long deadline;
        private ServletInputStream stream;

        Deadlined(HttpServletRequest request, long deadline) {
            super(request);
            this.deadline = deadline;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    private void check() throws RequestArrivalTimeout {
                        if (System.nanoTime() - deadline > 0) {
                            throw new RequestArrivalTimeout();
                        }
                    }

                    @Override
                    public int read() throws IOException {
                        check();
                        int b = in.read();
                        check();
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        check();
                        int n = in.read(b, off, len);
                        if (n > 0 && !in.isFinished()) {
                            check();
                        }
                        return n;
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }
}
