package io.consentledger.query.auditors;

import com.mongodb.client.MongoDatabase;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/** Auditing the auditors: the log of their queries, and the filter that records each one. */
@Configuration(proxyBeanMethods = false)
public class AuditorsConfiguration {

    @Bean
    public AuditorQueryLog auditorQueryLog(MongoDatabase database, Clock clock) {
        return new AuditorQueryLog(database, clock);
    }

    /** After the security chain, so the caller is known; records every auditor's query and every audit call. */
    @Bean
    public FilterRegistrationBean<AuditorQueryFilter> auditorQueryFilter(AuditorQueryLog log) {
        FilterRegistrationBean<AuditorQueryFilter> registration = new FilterRegistrationBean<>(new AuditorQueryFilter(log));
        registration.addUrlPatterns("/api/*");
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 30);
        return registration;
    }
}
