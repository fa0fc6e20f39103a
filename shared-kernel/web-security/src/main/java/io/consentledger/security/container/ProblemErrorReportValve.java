package io.consentledger.security.container;

import io.consentledger.security.problem.Problems;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tomcat's error report as an RFC 9457 problem instead of its HTML page: what Tomcat answers itself, before the
 * application runs (a broken request line, a header it refuses, an encoded slash), and any error status nothing else
 * wrote a body for. Names no server, class or exception.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get() || !response.setErrorReported()) {
            return;
        }
        HttpStatusCode code = HttpStatusCode.valueOf(status);
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(Problems.json(Problems.problem(code, Problems.slugOf(code), titleOf(code), detailOf(code))));
                response.finishResponse();
            }
        } catch (Exception ignored) {
            // the client is gone or the response cannot be written: nothing more to do
        }
    }

    static String titleOf(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null ? "Error" : known.getReasonPhrase();
    }

    static String detailOf(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> "The request could not be read";
            case 405 -> "This method is not allowed here";
            case 408 -> "The request did not arrive in time";
            case 500 -> "The request could not be processed";
            default -> titleOf(status);
        };
    }
}
