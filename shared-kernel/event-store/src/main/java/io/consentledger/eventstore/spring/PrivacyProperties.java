package io.consentledger.eventstore.spring;

import io.consentledger.eventstore.privacy.PersonalDataCodec;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code consent-ledger.privacy.*}: encryption of personal data at rest (issue 16, docs/erasure.md).
 *
 * @param masterKey      base64 of the 32-byte master key (a secret). Blank: developer mode, a key generated into
 *                       {@code data/privacy-master.key} next to the embedded store, or for this run only in memory
 * @param masterKeyFile  where developer mode keeps its key, when not next to the store
 * @param encrypt        false stores new personal data in the clear (a measurement switch only); stored ciphertext is
 *                       still read
 * @param keyCacheTtl    how long an unwrapped data key stays cached at most (each entry a random 80-100% of it; the
 *                       bound on a key destroyed by another instance)
 * @param keyCacheSize   how many data keys stay cached
 * @param openedCacheSize how many opened event payloads the processors of one application share (by event id; 0:
 *                        none), so that an event read by several processors is decrypted once
 */
@ConfigurationProperties("consent-ledger.privacy")
public record PrivacyProperties(String masterKey, String masterKeyFile, Boolean encrypt, Duration keyCacheTtl,
                                Long keyCacheSize, Integer openedCacheSize) {

    public PrivacyProperties {
        encrypt = encrypt == null || encrypt;
        keyCacheTtl = keyCacheTtl == null ? Duration.ofMinutes(5) : keyCacheTtl;
        keyCacheSize = keyCacheSize == null ? 100_000L : keyCacheSize;
        openedCacheSize = openedCacheSize == null ? PersonalDataCodec.DEFAULT_OPENED_CACHE_SIZE : openedCacheSize;
    }

    @Override
    public String toString() {
        return "PrivacyProperties[masterKey=" + (masterKey == null || masterKey.isBlank() ? "(developer mode)" : "(set)")
               + ", encrypt=" + encrypt + ", keyCacheTtl=" + keyCacheTtl + "]";
    }
}
