package io.consentledger.query.notification.address;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Resolves a host name to all its addresses; the JDK's resolver in production, a table in tests. */
@FunctionalInterface
public interface HostResolver {

    HostResolver SYSTEM = InetAddress::getAllByName;

    InetAddress[] resolve(String host) throws UnknownHostException;
}
