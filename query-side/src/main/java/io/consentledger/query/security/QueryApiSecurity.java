package io.consentledger.query.security;

import io.consentledger.security.ApiAuthorizationRules;
import io.consentledger.security.Party;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * The query side's function-level rules. Which rows a provider or recipient sees is decided where the data is read
 * ({@link Visibility}); auditors read everything and change nothing; operators see only the operator endpoints.
 * Recipients read their consents and their access records, never balances (the ledger's copy of shared data: a
 * recipient receives data from its provider when it is shared) and nothing looked up by a bank's customer id.
 * Who queried the audit trail is recorded by {@code io.consentledger.query.auditors}.
 */
@Configuration(proxyBeanMethods = false)
public class QueryApiSecurity {

    private static final String PROVIDER = Party.PROVIDER.name();
    private static final String RECIPIENT = Party.RECIPIENT.name();
    private static final String AUDITOR = Party.AUDITOR.name();
    private static final String OPERATOR = Party.OPERATOR.name();

    @Bean
    public ApiAuthorizationRules queryApiRules() {
        return requests -> requests
                .requestMatchers(HttpMethod.GET, "/api/v1/consents/*", "/api/v1/audit/access",
                                 "/api/v1/audit/access/export")
                .hasAnyRole(PROVIDER, RECIPIENT, AUDITOR)
                // a recipient never reads the ledger's copy of shared data, nor looks up by a bank's customer id
                .requestMatchers(HttpMethod.GET, "/api/v1/customers/*/consents", "/api/v1/links/*/balance")
                .hasAnyRole(PROVIDER, AUDITOR)
                // a share's receipt: its recipient and provider (Visibility, in the controller), and auditors
                .requestMatchers(HttpMethod.GET, "/api/v1/audit/access/*/receipt").hasAnyRole(PROVIDER, RECIPIENT, AUDITOR)
                // the verifiable log's checkpoints, key and proofs: any authenticated caller; entries by Visibility
                .requestMatchers(HttpMethod.GET, "/api/v1/log/**").authenticated()
                .requestMatchers(HttpMethod.GET, "/api/v1/audit/auditor-queries").hasAnyRole(AUDITOR, OPERATOR)
                .requestMatchers(HttpMethod.GET, "/api/v1/audit/**").hasRole(AUDITOR)
                .requestMatchers("/api/v1/operator/**").hasRole(OPERATOR);
    }

    /**
     * Notifications (docs/notifications.md): providers and recipients manage their own webhooks and read their own
     * feed; auditors read every webhook and delivery log and change nothing; operators see none of it. Which
     * webhook is whose is decided by the webhook service (another party's id is answered like an unknown one).
     */
    @Bean
    public ApiAuthorizationRules notificationApiRules() {
        return requests -> requests
                .requestMatchers(HttpMethod.GET, "/api/v1/webhooks", "/api/v1/webhooks/*",
                                 "/api/v1/webhooks/*/deliveries", "/api/v1/webhooks/*/deliveries/*")
                .hasAnyRole(PROVIDER, RECIPIENT, AUDITOR)
                .requestMatchers(HttpMethod.POST, "/api/v1/webhooks", "/api/v1/webhooks/*/rotate-secret",
                                 "/api/v1/webhooks/*/test", "/api/v1/webhooks/*/deliveries/*/retry")
                .hasAnyRole(PROVIDER, RECIPIENT)
                .requestMatchers(HttpMethod.DELETE, "/api/v1/webhooks/*").hasAnyRole(PROVIDER, RECIPIENT)
                .requestMatchers(HttpMethod.GET, "/api/v1/notifications").hasAnyRole(PROVIDER, RECIPIENT);
    }
}
