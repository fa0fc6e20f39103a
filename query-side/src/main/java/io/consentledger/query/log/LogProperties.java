package io.consentledger.query.log;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * The verifiable log's settings.
 * <pre>
 * consent-ledger:
 *   log:
 *     signing-key: ${LOG_SIGNING_KEY:}   # a secret: PRIVATE+KEY+&lt;name&gt;+&lt;key id&gt;+&lt;seed&gt;; blank: developer mode
 *     origin: consent-ledger.local/log   # the origin (and key name) of a key generated in developer mode
 *     key-file:                          # developer mode: where the generated key is kept (blank: next to the embedded store's file)
 *     checkpoint-interval: 1s            # at most one new checkpoint per interval while the tree grows
 *     poll-interval: 200ms               # how often the tree's owner looks for sealed gaps and due checkpoints
 *     batch-size: 1000                   # positions read per round trip while building
 *     integrity-interval: 10s            # how often the integrity monitor re-reads stored events
 *     integrity-batch-size: 2000         # positions it re-reads per pass
 * </pre>
 */
@ConfigurationProperties(prefix = "consent-ledger.log")
public record LogProperties(String signingKey,
                            @DefaultValue("consent-ledger.local/log") String origin,
                            String keyFile,
                            @DefaultValue("1s") Duration checkpointInterval,
                            @DefaultValue("200ms") Duration pollInterval,
                            @DefaultValue("1000") int batchSize,
                            @DefaultValue("10s") Duration integrityInterval,
                            @DefaultValue("2000") int integrityBatchSize) {

    public LogProperties {
        if (batchSize < 1 || batchSize > io.consentledger.eventstore.EventLog.MAX_POSITIONS_PER_READ) {
            throw new IllegalArgumentException("consent-ledger.log.batch-size must be between 1 and "
                                               + io.consentledger.eventstore.EventLog.MAX_POSITIONS_PER_READ);
        }
        if (integrityBatchSize < 1) {
            throw new IllegalArgumentException("consent-ledger.log.integrity-batch-size must be positive");
        }
    }
}
