package io.consentledger.security;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/** One body limit for both applications; the command side's former key still works until it is removed. */
class RequestBodyLimitTest {

    private final LedgerSecurityAutoConfiguration configuration = new LedgerSecurityAutoConfiguration();

    @Test
    void defaultsTo256KiB() {
        assertThat(limit(new MockEnvironment(), new LedgerSecurityProperties())).isEqualTo(262_144);
    }

    @Test
    void theKeyIsConsentLedgerSecurityMaxRequestBytes() {
        LedgerSecurityProperties properties = new LedgerSecurityProperties();
        properties.setMaxRequestBytes(1000);
        assertThat(limit(new MockEnvironment().withProperty(RequestBodyLimit.KEY, "1000"), properties)).isEqualTo(1000);
    }

    @Test
    void theDeprecatedCommandSideKeyStillWorksAlone() {
        MockEnvironment environment = new MockEnvironment().withProperty("consent-ledger.api.max-request-bytes", "4096");
        assertThat(limit(environment, new LedgerSecurityProperties())).isEqualTo(4096);
    }

    @Test
    void theNewKeyWinsOverTheDeprecatedOne() {
        LedgerSecurityProperties properties = new LedgerSecurityProperties();
        properties.setMaxRequestBytes(1000);
        MockEnvironment environment = new MockEnvironment().withProperty(RequestBodyLimit.KEY, "1000")
                                                           .withProperty(RequestBodyLimit.DEPRECATED_KEY, "4096");
        assertThat(limit(environment, properties)).isEqualTo(1000);
    }

    private int limit(MockEnvironment environment, LedgerSecurityProperties properties) {
        return configuration.requestBodyLimit(properties, environment).maxBytes();
    }
}
