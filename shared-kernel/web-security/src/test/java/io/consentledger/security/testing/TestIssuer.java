package io.consentledger.security.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * A token issuer for tests: a fresh RSA key pair, its public half served as a JWKS over local HTTP (so the
 * application's real jwk-set-uri decoder and validators run), and tokens minted with Nimbus.
 */
public final class TestIssuer {

    public static final String ISSUER = "https://issuer.consent-ledger.test";
    public static final String AUDIENCE = "consent-ledger-api";

    private static TestIssuer instance;

    private final RSAKey key;
    private final HttpServer server;

    private TestIssuer() throws JOSEException, IOException {
        key = new RSAKeyGenerator(2048).keyID("test-" + UUID.randomUUID()).generate();
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jwks);
            }
        });
        server.start();
    }

    public static synchronized TestIssuer get() {
        if (instance == null) {
            try {
                instance = new TestIssuer();
            } catch (JOSEException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return instance;
    }

    public String jwkSetUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
    }

    /** The properties that put an application in jwt mode against this issuer. */
    public String[] properties() {
        return new String[]{"consent-ledger.security.mode=jwt", "consent-ledger.security.jwt.issuer=" + ISSUER,
                "consent-ledger.security.jwt.audience=" + AUDIENCE, "consent-ledger.security.jwt.jwk-set-uri=" + jwkSetUri()};
    }

    public String token(String subject, String party, String partyId) {
        return token(subject, party, partyId, AUDIENCE, Instant.now().plus(Duration.ofMinutes(5)));
    }

    public String token(String subject, String party, String partyId, String audience, Instant expiresAt) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER).subject(subject).audience(audience)
                .issueTime(Date.from(expiresAt.minus(Duration.ofMinutes(10))))
                .expirationTime(Date.from(expiresAt)).jwtID(UUID.randomUUID().toString())
                .claim("party", party);
        if (partyId != null) {
            claims.claim("party_id", partyId);
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims.build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
