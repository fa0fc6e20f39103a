package io.consentledger.query.notification.address;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which URLs the ledger calls (SSRF protection). A webhook URL must be {@code https}, have a host and no user
 * information, and every address its host resolves to must be public: no private (RFC 1918), shared (CGNAT,
 * 100.64/10), link-local (including the cloud metadata address 169.254.169.254), unique-local IPv6 (fc00::/7,
 * including fd00:ec2::254), unspecified, multicast, reserved or documentation address, and no IPv6 form that embeds
 * such an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16; Teredo is refused).
 * Loopback (127/8, ::1) is allowed only when {@code consent-ledger.webhooks.allow-insecure-loopback=true}, and then
 * over plain {@code http} too.
 * <p>
 * Numeric hosts are accepted only as canonical dotted quads: {@code 2130706433}, {@code 0x7f.1}, {@code 0177.0.0.1}
 * are refused, because resolvers disagree on them. The check runs at registration ({@link #checkRegistration}) and
 * again at every delivery on the freshly resolved addresses ({@link #checkDelivery}), so a DNS name that later points
 * to a private address is refused then.
 */
public final class WebhookUrlPolicy {

    private static final int MAX_URL_LENGTH = 2048;

    private final boolean allowInsecureLoopback;
    private final HostResolver resolver;

    public WebhookUrlPolicy(boolean allowInsecureLoopback, HostResolver resolver) {
        this.allowInsecureLoopback = allowInsecureLoopback;
        this.resolver = resolver;
    }

    public boolean allowInsecureLoopback() {
        return allowInsecureLoopback;
    }

    /** Checks a URL given at registration; returns it parsed. */
    public URI checkRegistration(String url) {
        URI uri = parse(url);
        check(uri);
        return uri;
    }

    /** Checks a stored URL just before a delivery, on the addresses its host resolves to now; returns them. */
    public List<InetAddress> checkDelivery(URI uri) {
        return check(uri);
    }

    private List<InetAddress> check(URI uri) {
        String host = host(uri);
        List<InetAddress> addresses = resolve(host);
        boolean allLoopback = true;
        for (InetAddress address : addresses) {
            Optional<String> reason = forbiddenReason(address, allowInsecureLoopback);
            if (reason.isPresent()) {
                throw new WebhookUrlRefused(WebhookUrlRefused.FORBIDDEN_ADDRESS,
                        "The webhook host resolves to a " + reason.get() + " address, which the ledger does not call.");
            }
            allLoopback &= isLoopback(address);
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && allLoopback && allowInsecureLoopback)) {
            throw new WebhookUrlRefused(WebhookUrlRefused.NOT_HTTPS, "A webhook URL must use https.");
        }
        return addresses;
    }

    private static URI parse(String url) {
        if (url == null || url.isBlank() || url.length() > MAX_URL_LENGTH) {
            throw new WebhookUrlRefused(WebhookUrlRefused.INVALID,
                    "A webhook URL is an absolute https URL of at most " + MAX_URL_LENGTH + " characters.");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new WebhookUrlRefused(WebhookUrlRefused.INVALID, "The webhook URL is not a valid URL.");
        }
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getScheme() == null) {
            throw new WebhookUrlRefused(WebhookUrlRefused.INVALID, "A webhook URL must be absolute.");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new WebhookUrlRefused(WebhookUrlRefused.NOT_HTTPS, "A webhook URL must use https.");
        }
        if (uri.getRawUserInfo() != null) {
            throw new WebhookUrlRefused(WebhookUrlRefused.INVALID, "A webhook URL must not carry user information.");
        }
        if (uri.getRawFragment() != null) {
            throw new WebhookUrlRefused(WebhookUrlRefused.INVALID, "A webhook URL must not have a fragment.");
        }
        host(uri);
        return uri;
    }

    private static String host(URI uri) {
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new WebhookUrlRefused(WebhookUrlRefused.INVALID, "A webhook URL must name a host.");
        }
        if (host.startsWith("[")) {
            return host.substring(1, host.length() - 1);
        }
        if (numeric(host) && !canonicalDottedQuad(host)) {
            throw new WebhookUrlRefused(WebhookUrlRefused.INVALID,
                    "A numeric webhook host must be a dotted-decimal IPv4 address (a.b.c.d).");
        }
        return host;
    }

    /**
     * Whether every dot-separated label of {@code host} is a number as some resolvers read it: decimal digits, or
     * {@code 0x} followed by hexadecimal digits (none too). Plain loops, not regular expressions: this runs before
     * every delivery.
     */
    private static boolean numeric(String host) {
        int start = 0;
        while (true) {
            int end = host.indexOf('.', start);
            if (end < 0) {
                end = host.length();
            }
            if (!numericLabel(host, start, end)) {
                return false;
            }
            if (end == host.length()) {
                return true;
            }
            start = end + 1;
        }
    }

    private static boolean numericLabel(String host, int start, int end) {
        if (end - start >= 2 && host.charAt(start) == '0'
                && (host.charAt(start + 1) == 'x' || host.charAt(start + 1) == 'X')) {
            for (int i = start + 2; i < end; i++) {
                char c = host.charAt(i);
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                    return false;
                }
            }
            return true;
        }
        if (end == start) {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = host.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Exactly four labels, each 0 or a decimal number up to 255 without a leading zero. */
    private static boolean canonicalDottedQuad(String host) {
        int labels = 0;
        int start = 0;
        while (true) {
            int end = host.indexOf('.', start);
            if (end < 0) {
                end = host.length();
            }
            int length = end - start;
            if (length < 1 || length > 3 || (length > 1 && host.charAt(start) == '0')) {
                return false;
            }
            int value = 0;
            for (int i = start; i < end; i++) {
                char c = host.charAt(i);
                if (c < '0' || c > '9') {
                    return false;
                }
                value = value * 10 + (c - '0');
            }
            if (value > 255 || ++labels > 4) {
                return false;
            }
            if (end == host.length()) {
                return labels == 4;
            }
            start = end + 1;
        }
    }

    private List<InetAddress> resolve(String host) {
        try {
            InetAddress[] all = resolver.resolve(host);
            if (all == null || all.length == 0) {
                throw new UnknownHostException(host);
            }
            return List.of(all);
        } catch (UnknownHostException e) {
            throw new WebhookUrlRefused(WebhookUrlRefused.UNRESOLVABLE, "The webhook host cannot be resolved.");
        }
    }

    private static boolean isLoopback(InetAddress address) {
        return address.isLoopbackAddress();
    }

    /** Why the ledger does not call this address, or empty if it may. */
    public static Optional<String> forbiddenReason(InetAddress address, boolean allowLoopback) {
        if (address.isLoopbackAddress()) {
            return allowLoopback ? Optional.empty() : Optional.of("loopback");
        }
        if (address instanceof Inet4Address) {
            return ipv4Reason(address.getAddress());
        }
        if (address instanceof Inet6Address) {
            return ipv6Reason(address.getAddress(), allowLoopback);
        }
        return Optional.of("unknown kind of");
    }

    private static Optional<String> ipv4Reason(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        if (a0 == 0) {
            return Optional.of("unspecified (0.0.0.0/8)");
        }
        if (a0 == 127) {
            return Optional.of("loopback");
        }
        if (a0 == 10 || (a0 == 172 && a1 >= 16 && a1 <= 31) || (a0 == 192 && a1 == 168)) {
            return Optional.of("private");
        }
        if (a0 == 100 && a1 >= 64 && a1 <= 127) {
            return Optional.of("shared (CGNAT)");
        }
        if (a0 == 169 && a1 == 254) {
            return Optional.of("link-local or metadata");
        }
        if (a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2)) {
            return Optional.of("reserved");
        }
        if ((a0 == 198 && a1 == 51 && a2 == 100) || (a0 == 203 && a1 == 0 && a2 == 113)) {
            return Optional.of("documentation");
        }
        if (a0 == 198 && (a1 == 18 || a1 == 19)) {
            return Optional.of("benchmarking");
        }
        if (a0 >= 224 && a0 <= 239) {
            return Optional.of("multicast");
        }
        if (a0 >= 240) {
            return Optional.of("reserved or broadcast");
        }
        return Optional.empty();
    }

    private static Optional<String> ipv6Reason(byte[] b, boolean allowLoopback) {
        int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
        int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        boolean firstTwelveZero = true;
        for (int i = 0; i < 12; i++) {
            firstTwelveZero &= b[i] == 0;
        }
        if (firstTwelveZero) {
            // :: , and IPv4-compatible ::a.b.c.d (::1 is loopback and handled before)
            boolean allZero = b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] == 0;
            return allZero ? Optional.of("unspecified") : embedded(b, 12, allowLoopback);
        }
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= b[i] == 0;
        }
        if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return embedded(b, 12, allowLoopback);
        }
        if (w0 == 0x0064 && w1 == 0xff9b) {
            return embedded(b, 12, allowLoopback); // NAT64 64:ff9b::/96
        }
        if (w0 == 0x2002) {
            return embedded(b, 2, allowLoopback); // 6to4
        }
        if (w0 == 0x2001 && w1 == 0x0000) {
            return Optional.of("Teredo");
        }
        if (w0 == 0x2001 && w1 == 0x0db8) {
            return Optional.of("documentation");
        }
        if (w0 == 0x0100 && w1 == 0 && b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0) {
            return Optional.of("discard");
        }
        if ((w0 & 0xfe00) == 0xfc00) {
            return Optional.of("unique-local or metadata");
        }
        if ((w0 & 0xffc0) == 0xfe80) {
            return Optional.of("link-local");
        }
        if ((w0 & 0xffc0) == 0xfec0) {
            return Optional.of("site-local");
        }
        if ((w0 & 0xff00) == 0xff00) {
            return Optional.of("multicast");
        }
        return Optional.empty();
    }

    private static Optional<String> embedded(byte[] b, int offset, boolean allowLoopback) {
        byte[] v4 = {b[offset], b[offset + 1], b[offset + 2], b[offset + 3]};
        if ((v4[0] & 0xff) == 127) {
            // an IPv6 form of loopback is never dialled as loopback: refuse it even when loopback is allowed
            return Optional.of("IPv6-embedded loopback");
        }
        return ipv4Reason(v4).map(r -> "IPv6-embedded " + r);
    }
}
