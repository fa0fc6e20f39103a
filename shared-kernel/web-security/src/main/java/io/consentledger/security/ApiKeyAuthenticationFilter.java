package io.consentledger.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Developer mode: {@code Authorization: ApiKey <key>} or {@code X-Api-Key: <key>}. The key's SHA-256 is compared
 * with every configured hash in constant time (no early exit, so timing tells nothing of which or how much matched).
 * A presented but unknown key is a 401 at once; no key leaves the request anonymous (the rules then answer 401).
 */
public class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    public static final String HEADER = "X-Api-Key";
    private static final String SCHEME = "ApiKey ";

    private record Entry(byte[] sha256, Caller caller) {
    }

    private final List<Entry> keys;
    private final AuthenticationEntryPoint entryPoint;

    public ApiKeyAuthenticationFilter(List<LedgerSecurityProperties.ApiKey> configured, AuthenticationEntryPoint entryPoint) {
        this.keys = configured.stream().map(k -> {
            if (k.getSha256() == null || !k.getSha256().matches("[0-9a-fA-F]{64}")) {
                throw new IllegalStateException("Every API key needs sha256: 64 hex digits (principal " + k.getPrincipal() + ")");
            }
            return new Entry(HexFormat.of().parseHex(k.getSha256().toLowerCase(Locale.ROOT)),
                             new Caller(k.getPrincipal(), k.getParty(), k.getPartyId()));
        }).toList();
        this.entryPoint = entryPoint;
    }

    public int size() {
        return keys.size();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = presentedKey(request);
        if (key == null) {
            chain.doFilter(request, response);
            return;
        }
        Caller caller = match(key);
        if (caller == null) {
            SecurityContextHolder.clearContext();
            entryPoint.commence(request, response, new BadCredentialsException("Unknown API key"));
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new CallerAuthentication(caller));
        SecurityContextHolder.setContext(context);
        chain.doFilter(request, response);
    }

    static String presentedKey(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return authorization.substring(SCHEME.length()).trim();
        }
        return request.getHeader(HEADER);
    }

    Caller match(String key) {
        byte[] presented = sha256(key);
        Caller found = null;
        for (Entry entry : keys) {
            if (MessageDigest.isEqual(entry.sha256(), presented) && found == null) {
                found = entry.caller();
            }
        }
        return found;
    }

    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
