package io.consentledger.security.container;

import java.net.SocketTimeoutException;

/**
 * A request body that did not arrive within {@code consent-ledger.security.request-arrival-timeout}; answered 408, as
 * is the container's own read timeout (which it extends).
 */
public class RequestArrivalTimeout extends SocketTimeoutException {

    public RequestArrivalTimeout() {
        super("The request body did not arrive in time");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
