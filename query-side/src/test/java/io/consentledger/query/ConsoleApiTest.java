package io.consentledger.query;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** What the console needs from the server, over plain HTTP (no browser): its files, their headers, and /api/v1/me. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"consent-ledger.mongodb.embedded.in-memory=true", "axon.update-check.disabled=true"})
class ConsoleApiTest extends HttpTestSupport {

    @Test
    void servesTheConsoleToAnyoneWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = raw("GET", "/console/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"module\" src=\"console.js\"></script>")
                               .doesNotContain("style=", "onclick", "<script>");
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'",
                                 "frame-ancestors 'none'", "base-uri 'none'")
                       .doesNotContain("unsafe-inline", "unsafe-eval", "*");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        for (String file : new String[] {"/console/console.js", "/console/verify.js", "/console/console.css"}) {
            HttpResponse<String> asset = raw("GET", file);
            assertThat(asset.statusCode()).as(file).isEqualTo(200);
            assertThat(asset.headers().firstValue("Content-Security-Policy")).as(file).hasValue(csp);
        }
        assertThat(raw("GET", "/console").statusCode()).isEqualTo(302);
        assertThat(raw("HEAD", "/console/").statusCode()).isEqualTo(200);
        assertThat(raw("POST", "/console/").statusCode()).isEqualTo(401);
        Response missing = get("/console/no-such-file.js", null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        // the pages are public; the data is not
        assertThat(get("/api/v1/audit/access", null).status()).isEqualTo(401);
    }

    @Test
    void theScriptsRenderDataOnlyAsText() throws Exception {
        for (String file : new String[] {"/console/console.js", "/console/verify.js"}) {
            assertThat(raw("GET", file).body()).as(file)
                    .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                                    "new Function", "localStorage");
        }
    }

    @Test
    void saysWhoIsSignedIn() {
        JsonNode bank = get("/api/v1/me", BANK_1).json();
        assertThat(bank.get("party").asText()).isEqualTo("PROVIDER");
        assertThat(bank.get("partyId").asText()).isEqualTo("bank-1");
        JsonNode messenger = get("/api/v1/me", MESSENGER).json();
        assertThat(messenger.get("party").asText()).isEqualTo("RECIPIENT");
        assertThat(messenger.get("partyId").asText()).isEqualTo("messenger");
        assertThat(get("/api/v1/me", AUDITOR).json().get("party").asText()).isEqualTo("AUDITOR");
        assertThat(get("/api/v1/me", OPERATOR).json().get("party").asText()).isEqualTo("OPERATOR");
        Response anonymous = get("/api/v1/me", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).startsWith("application/problem+json");
        assertThat(get("/api/v1/me", "not-a-key").status()).isEqualTo(401);
    }

    private HttpResponse<String> raw(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .method(method, HttpRequest.BodyPublishers.noBody()).build(),
                         HttpResponse.BodyHandlers.ofString());
    }
}
