package io.consentledger.eventstore.spring;

import com.mongodb.client.MongoDatabase;
import io.consentledger.eventstore.privacy.CustomerKeys;
import io.consentledger.eventstore.privacy.MasterKey;
import io.consentledger.eventstore.privacy.PersonalDataCodec;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.nio.file.Path;
import java.time.Clock;

/**
 * Encryption of personal data at rest (issue 16): the master key, the customers' data keys and the codec that the
 * event storage engine (on write) and the upcaster chain (on read) use.
 */
@AutoConfiguration
@EnableConfigurationProperties({PrivacyProperties.class, LedgerStoreProperties.class})
public class LedgerPrivacyAutoConfiguration {

    static final String KEY_FILE = "privacy-master.key";

    /**
     * Developer mode (no key configured): the key lives next to the embedded store's file ({@code data/} by default),
     * also with an in-memory store, so that every instance started from the same directory shares it.
     */
    @Bean
    @ConditionalOnMissingBean
    public MasterKey privacyMasterKey(PrivacyProperties privacy, LedgerStoreProperties store) {
        Path keyFile = null;
        if (privacy.masterKeyFile() != null && !privacy.masterKeyFile().isBlank()) {
            keyFile = Path.of(privacy.masterKeyFile());
        } else {
            // Even with an in-memory store: a second instance (or the other application) on the same store, which
            // connects by URI, must find the same key.
            keyFile = Path.of(store.getMongodb().getEmbedded().getFile()).toAbsolutePath().getParent().resolve(KEY_FILE);
        }
        return MasterKey.resolve(privacy.masterKey(), keyFile);
    }

    @Bean
    @ConditionalOnMissingBean
    public CustomerKeys customerKeys(MongoDatabase database, MasterKey masterKey, PrivacyProperties privacy,
                                     ObjectProvider<Clock> clock) {
        return new CustomerKeys(database, masterKey, clock.getIfAvailable(Clock::systemUTC), privacy.keyCacheTtl(),
                                privacy.keyCacheSize());
    }

    @Bean
    @ConditionalOnMissingBean
    public PersonalDataCodec personalDataCodec(CustomerKeys keys, PrivacyProperties privacy) {
        return new PersonalDataCodec(keys, privacy.encrypt(), privacy.openedCacheSize());
    }
}
