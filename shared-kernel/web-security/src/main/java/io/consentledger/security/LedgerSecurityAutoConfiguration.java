package io.consentledger.security;

import io.consentledger.security.container.InFlightLimitFilter;
import io.consentledger.security.container.ProblemErrorReportValve;
import io.consentledger.security.container.RequestArrivalFilter;
import io.consentledger.security.container.UnreadBodyValve;
import io.consentledger.security.problem.LedgerErrorController;
import io.consentledger.security.problem.Problems;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.PropertySource;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Both applications' security: authentication (JWT resource server, or hashed developer API keys), the shared
 * rules (health anonymous, metrics for operators, API docs for any caller, deny by default), the application's
 * {@link ApiAuthorizationRules}, RFC 9457 401/403, correlation ids, request size limits and the per-principal rate
 * limit.
 */
@AutoConfiguration(before = {SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
        UserDetailsServiceAutoConfiguration.class, OAuth2ResourceServerAutoConfiguration.class,
        ErrorMvcAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableWebSecurity
@EnableConfigurationProperties(LedgerSecurityProperties.class)
@PropertySource("classpath:consent-ledger-security-defaults.properties")
public class LedgerSecurityAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LedgerSecurityAutoConfiguration.class);

    /**
     * No Spring Security observations: {@code management.observations.enable.spring.security=false} already kept them
     * from being recorded, but the filter chain still wrapped each of its filters in an observation per request
     * (issue 17's profile). An application that wants them declares its own {@link SecurityObservationSettings}.
     */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean
    public SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * Spring Security's strict firewall as it is by default, except that header names and values are checked by
     * {@link HeaderCharacters} (the same rule, without a regular expression per {@code getHeader}).
     */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean(HttpFirewall.class)
    public HttpFirewall httpFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(HeaderCharacters::allowedName);
        firewall.setAllowedHeaderValues(HeaderCharacters::allowedValue);
        return firewall;
    }

    /** The per-address budget of failed authentications; none when rate limits are off. */
    @Bean
    public AddressBudgetHolder addressBudget(LedgerSecurityProperties properties) {
        LedgerSecurityProperties.RateLimit limit = properties.getRateLimit();
        LedgerSecurityProperties.PerAddress perAddress = limit.getPerAddress();
        return new AddressBudgetHolder(limit.isEnabled() ? new AddressBudget(new TokenBuckets(
                perAddress.getRequestsPerSecond(), perAddress.getBurst(), System::nanoTime, 100_000)) : null);
    }

    /** The budget, or null when rate limits are off. */
    public record AddressBudgetHolder(AddressBudget budget) {
    }

    @Bean
    public SecurityProblems securityProblems(LedgerSecurityProperties properties, AddressBudgetHolder failures) {
        return new SecurityProblems(properties.effectiveMode(), failures.budget());
    }

    /** Tomcat's error report and Boot's error page answer problems, not HTML or Boot's JSON. */
    @Bean
    public LedgerErrorController ledgerErrorController() {
        return new LedgerErrorController();
    }

    /**
     * At most the worker threads less the reserved ones in the application at once, health excepted. After
     * authentication: a request refused on its headers holds no thread for long and is answered 401, not 503.
     */
    @Bean
    public FilterRegistrationBean<InFlightLimitFilter> inFlightLimitFilter(LedgerSecurityProperties properties,
                                                                          Environment environment) {
        int threads = environment.getProperty("server.tomcat.threads.max", Integer.class, 200);
        FilterRegistrationBean<InFlightLimitFilter> registration = new FilterRegistrationBean<>(
                new InFlightLimitFilter(threads - properties.getReservedThreads()));
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 1);
        return registration;
    }

    /** Bodies must arrive within consent-ledger.security.request-arrival-timeout. */
    @Bean
    public FilterRegistrationBean<RequestArrivalFilter> requestArrivalFilter(LedgerSecurityProperties properties) {
        FilterRegistrationBean<RequestArrivalFilter> registration = new FilterRegistrationBean<>(
                new RequestArrivalFilter(properties.getRequestArrivalTimeout()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 4);
        return registration;
    }

    /** Before authentication: the per-address budget and ambiguous credentials. */
    @Bean
    public FilterRegistrationBean<CredentialGate> credentialGate(AddressBudgetHolder failures) {
        FilterRegistrationBean<CredentialGate> registration = new FilterRegistrationBean<>(new CredentialGate(failures.budget()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 6);
        return registration;
    }

    /**
     * Tomcat: a refusal before the body closes the connection without reading the body (after a 413, once the body
     * is drained within bounds, with a thread of the API's share); Tomcat's own errors are problems (its HTML error
     * report replaced).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
    static class TomcatHardening {

        @Bean
        WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> ledgerTomcatHardening(
                FilterRegistrationBean<InFlightLimitFilter> inFlight) {
            return factory -> {
                factory.addEngineValves(new UnreadBodyValve(inFlight.getFilter()));
                factory.addContextCustomizers(context -> {
                    if (context.getParent() instanceof StandardHost host) {
                        host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                        // Boot adds an HTML ErrorReportValve of its own (server.error.include-stacktrace: never):
                        // only ours may report.
                        host.addLifecycleListener(event -> {
                            if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
                                for (Valve valve : host.getPipeline().getValves()) {
                                    if (valve instanceof ErrorReportValve && !(valve instanceof ProblemErrorReportValve)) {
                                        host.getPipeline().removeValve(valve);
                                    }
                                }
                            }
                        });
                    }
                });
            };
        }
    }

    /** URLs the firewall refuses (encoded ';', '\\', '%25', '..'): a 400 problem, not Boot's default error body. */
    @Bean
    public RequestRejectedHandler requestRejectedProblem() {
        return (request, response, rejected) -> SecurityProblems.write(response, 400, Problems.MALFORMED_REQUEST,
                "Malformed request", "The request URL contains characters this service refuses");
    }

    /** No user store: there is no form or basic login. (Also keeps Boot from generating a default password.) */
    @Bean
    public UserDetailsService noUsers() {
        return username -> {
            throw new UsernameNotFoundException("No users");
        };
    }

    @Bean
    public SecurityFilterChain ledgerSecurityFilterChain(HttpSecurity http, LedgerSecurityProperties properties,
                                                         SecurityProblems problems, Environment environment,
                                                         ObjectProvider<ApiAuthorizationRules> rules) throws Exception {
        LedgerSecurityProperties.Mode mode = properties.effectiveMode();
        http.csrf(csrf -> csrf.disable())
            .cors(cors -> cors.disable())
            .formLogin(form -> form.disable())
            .httpBasic(basic -> basic.disable())
            .logout(logout -> logout.disable())
            .requestCache(cache -> cache.disable())
            .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(problems).accessDeniedHandler(problems))
            .authorizeHttpRequests(requests -> {
                requests.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll();
                requests.requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/liveness",
                                         "/actuator/health/readiness").permitAll();
                requests.requestMatchers("/actuator/**").hasRole(Party.OPERATOR.name());
                requests.requestMatchers(HttpMethod.GET, "/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml",
                                         "/swagger-ui.html", "/swagger-ui/**").authenticated();
                rules.orderedStream().forEach(rule -> rule.authorize(requests));
                requests.anyRequest().denyAll();
            });
        if (mode == LedgerSecurityProperties.Mode.JWT) {
            NimbusJwtDecoder decoder = jwtDecoder(properties.getJwt());
            http.oauth2ResourceServer(server -> server
                    .authenticationEntryPoint(problems)
                    .accessDeniedHandler(problems)
                    .jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(
                            new PartyJwtConverter(properties.getJwt().getPartyClaim(), properties.getJwt().getPartyIdClaim()))));
            log.info("Security mode jwt: issuer {}, audience {}", properties.getJwt().getIssuer(), properties.getJwt().getAudience());
        } else {
            List<String> profiles = Arrays.asList(environment.getActiveProfiles());
            if (profiles.contains("prod") || profiles.contains("production")) {
                throw new IllegalStateException("consent-ledger.security.mode dev-api-keys is refused under a production "
                        + "profile: set consent-ledger.security.jwt.issuer, .audience and .jwk-set-uri");
            }
            ApiKeyAuthenticationFilter apiKeys = new ApiKeyAuthenticationFilter(properties.getApiKeys(), problems);
            http.addFilterBefore(apiKeys, AnonymousAuthenticationFilter.class);
            log.warn("SECURITY MODE dev-api-keys: {} static developer API keys are accepted and no identity provider is "
                    + "used. This mode is for local development only; production must set "
                    + "consent-ledger.security.jwt.issuer, .audience and .jwk-set-uri (mode jwt).", apiKeys.size());
        }
        return http.build();
    }

    static NimbusJwtDecoder jwtDecoder(LedgerSecurityProperties.Jwt jwt) {
        if (blank(jwt.getIssuer()) || blank(jwt.getAudience()) || blank(jwt.getJwkSetUri())) {
            throw new IllegalStateException("Security mode jwt needs consent-ledger.security.jwt.issuer, .audience and .jwk-set-uri");
        }
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwt.getJwkSetUri())
                                                   .jwsAlgorithms(algorithms -> algorithms.addAll(List.of(
                                                           SignatureAlgorithm.RS256, SignatureAlgorithm.PS256,
                                                           SignatureAlgorithm.ES256)))
                                                   .build();
        String audience = jwt.getAudience();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<Jwt>(
                JwtValidators.createDefaultWithIssuer(jwt.getIssuer()),
                new JwtClaimValidator<Object>(JwtClaimNames.EXP, Objects::nonNull),
                new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null && aud.contains(audience))));
        return decoder;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    @Bean
    public FilterRegistrationBean<CorrelationIdFilter> correlationIdFilter() {
        FilterRegistrationBean<CorrelationIdFilter> registration = new FilterRegistrationBean<>(new CorrelationIdFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** The body limit: {@link RequestBodyLimit#KEY}, else the deprecated {@link RequestBodyLimit#DEPRECATED_KEY}. */
    @Bean
    public RequestBodyLimit requestBodyLimit(LedgerSecurityProperties properties, Environment environment) {
        String deprecated = environment.getProperty(RequestBodyLimit.DEPRECATED_KEY);
        if (deprecated == null) {
            return new RequestBodyLimit(properties.getMaxRequestBytes());
        }
        if (environment.containsProperty(RequestBodyLimit.KEY)) {
            log.warn("{} is deprecated and ignored: {} is set", RequestBodyLimit.DEPRECATED_KEY, RequestBodyLimit.KEY);
            return new RequestBodyLimit(properties.getMaxRequestBytes());
        }
        log.warn("{} is deprecated: use {} (it limits both applications)", RequestBodyLimit.DEPRECATED_KEY,
                 RequestBodyLimit.KEY);
        return new RequestBodyLimit(Integer.parseInt(deprecated.trim()));
    }

    @Bean
    public FilterRegistrationBean<RequestSizeLimitFilter> requestSizeLimitFilter(RequestBodyLimit limit) {
        FilterRegistrationBean<RequestSizeLimitFilter> registration =
                new FilterRegistrationBean<>(new RequestSizeLimitFilter(limit.maxBytes()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
        return registration;
    }

    /** After the security chain (authentication known), before the application's own filters. */
    @Bean
    public FilterRegistrationBean<RateLimitFilter> rateLimitFilter(LedgerSecurityProperties properties) {
        LedgerSecurityProperties.RateLimit limit = properties.getRateLimit();
        if (limit.usesDeprecatedKeys()) {
            log.warn("consent-ledger.security.rate-limit.requests-per-second and .burst are deprecated: use "
                             + "rate-limit.per-party.<provider|recipient|auditor|operator>.* or rate-limit.per-principal[<name>].* "
                             + "(docs/security.md, \"Rate limits\"); meanwhile they apply to every party kind without its own value");
        }
        RateLimits limits = RateLimits.of(limit);
        FilterRegistrationBean<RateLimitFilter> registration = new FilterRegistrationBean<>(new RateLimitFilter(
                new TokenBuckets(RateLimits.DEFAULTS.get(Party.PROVIDER), System::nanoTime, 100_000), limits));
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 5);
        registration.setEnabled(limit.isEnabled());
        return registration;
    }
}
