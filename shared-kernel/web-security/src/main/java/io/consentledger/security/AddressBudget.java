package io.consentledger.security;

import jakarta.servlet.http.HttpServletRequest;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The per-client-address budget of failed authentication: every request answered 401 (no credential, an unknown
 * key, an invalid token) or refused for ambiguous credentials spends a token of its address; an address without
 * tokens is refused 429 before any credential is looked at ({@link CredentialGate}), so a key cannot be guessed
 * without limit and a right guess is not told apart from a wrong one. IPv6 addresses count by their /64 prefix
 * (one host usually holds a whole /64). The address is the connection's peer, or what the container's forwarded-header
 * handling puts there behind a trusted proxy ({@code server.forward-headers-strategy}).
 */
public class AddressBudget {

    private final TokenBuckets buckets;

    public AddressBudget(TokenBuckets buckets) {
        this.buckets = buckets;
    }

    /** 0 when the request's address may still fail, else the seconds until it may. */
    public long retryAfter(HttpServletRequest request) {
        return buckets.peek(addressOf(request));
    }

    /** Spends one token of the request's address. */
    public void charge(HttpServletRequest request) {
        buckets.tryTake(addressOf(request));
    }

    static String addressOf(HttpServletRequest request) {
        String address = request.getRemoteAddr();
        if (address == null || address.indexOf(':') < 0) {
            return String.valueOf(address);
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            if (bytes.length != 16) {
                return address;
            }
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return prefix.append(":/64").toString();
        } catch (UnknownHostException notAnAddress) {
            return address;
        }
    }
}
