package io.consentledger.query.console;

import io.consentledger.security.ApiAuthorizationRules;
import io.consentledger.security.SecurityProblems;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves the console: {@code /console/} is {@code static/console/index.html}. The pages are public files (they hold
 * no data); every datum comes from the JSON API, which checks the key or token the browser sends. The console's own
 * filter chain answers only GET and HEAD and sends a strict Content-Security-Policy: scripts, styles and fetches from this
 * origin only, no inline script or style, no framing.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleConfiguration implements WebMvcConfigurer {

    /** The console's Content-Security-Policy. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
            + "frame-ancestors 'none'";

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/console", "/console/");
        registry.addViewController("/console/").setViewName("forward:/console/index.html");
    }

    /** Before the ledger's chain (which denies what no rule names): the console's static files, GET only. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public SecurityFilterChain consoleFilterChain(HttpSecurity http, SecurityProblems problems) throws Exception {
        http.securityMatcher("/console", "/console/", "/console/**")
            .csrf(csrf -> csrf.disable())
            .formLogin(form -> form.disable())
            .httpBasic(basic -> basic.disable())
            .logout(logout -> logout.disable())
            .requestCache(cache -> cache.disable())
            .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(problems).accessDeniedHandler(problems))
            .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .headers(headers -> headers
                    .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                    .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)))
            .authorizeHttpRequests(requests -> requests
                    .requestMatchers(HttpMethod.GET, "/console", "/console/", "/console/**").permitAll()
                    .requestMatchers(HttpMethod.HEAD, "/console", "/console/", "/console/**").permitAll()
                    .anyRequest().denyAll());
        return http.build();
    }

    /** Who is signed in: any authenticated caller may ask about itself. */
    @Bean
    public ApiAuthorizationRules consoleApiRules() {
        return requests -> requests.requestMatchers(HttpMethod.GET, "/api/v1/me").authenticated();
    }
}
