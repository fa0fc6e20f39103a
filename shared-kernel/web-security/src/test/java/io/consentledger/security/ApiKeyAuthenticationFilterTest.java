package io.consentledger.security;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.context.SecurityContextHolder;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyAuthenticationFilterTest {

    private static LedgerSecurityProperties.ApiKey key(String plain, String principal, Party party, String id) {
        LedgerSecurityProperties.ApiKey key = new LedgerSecurityProperties.ApiKey();
        key.setSha256(HexFormat.of().formatHex(ApiKeyAuthenticationFilter.sha256(plain)));
        key.setPrincipal(principal);
        key.setParty(party);
        key.setPartyId(id);
        return key;
    }

    private final ApiKeyAuthenticationFilter filter = new ApiKeyAuthenticationFilter(
            List.of(key("k-bank", "bank-1", Party.PROVIDER, "bank-1"), key("k-audit", "auditor", Party.AUDITOR, null)),
            new SecurityProblems(LedgerSecurityProperties.Mode.DEV_API_KEYS));

    @AfterEach
    void clear() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void aKnownKeyInEitherHeaderAuthenticatesItsCaller() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/x");
        request.addHeader("Authorization", "ApiKey k-bank");
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, new MockHttpServletResponse(), chain);
        assertThat(chain.getRequest()).isNotNull();
        assertThat(Callers.current()).contains(new Caller("bank-1", Party.PROVIDER, "bank-1"));

        SecurityContextHolder.clearContext();
        MockHttpServletRequest other = new MockHttpServletRequest("GET", "/x");
        other.addHeader("X-Api-Key", "k-audit");
        filter.doFilter(other, new MockHttpServletResponse(), new MockFilterChain());
        assertThat(Callers.current().orElseThrow().label()).isEqualTo("AUDITOR");
    }

    @Test
    void anUnknownKeyIs401AndGoesNoFurther() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/x");
        request.addHeader("Authorization", "ApiKey k-bank-but-not-quite");
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        assertThat(chain.getRequest()).isNull();
        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getHeader("WWW-Authenticate")).startsWith("ApiKey");
        assertThat(response.getContentAsString()).contains("/problems/unauthenticated").doesNotContain("k-bank");
        assertThat(Callers.current()).isEmpty();
    }

    @Test
    void unhashedOrMalformedConfigurationIsRefusedAtStart() {
        LedgerSecurityProperties.ApiKey plain = key("k", "p", Party.OPERATOR, null);
        plain.setSha256("dev-key-operator");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ApiKeyAuthenticationFilter(List.of(plain), null))
                                       .isInstanceOf(IllegalStateException.class);
    }
}
