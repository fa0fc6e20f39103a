package io.consentledger.command.api;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who is calling. Until authentication lands (issue 5) it is the optional {@code X-Caller-Id} header, else
 * "anonymous"; swap this bean for one that reads the authenticated principal.
 */
public interface CallerIdentity {

    String callerOf(HttpServletRequest request);

    static CallerIdentity fromHeader() {
        return request -> {
            String caller = request.getHeader("X-Caller-Id");
            return caller != null && caller.matches("[A-Za-z0-9._:-]{1,64}") ? caller : "anonymous";
        };
    }
}
