package io.consentledger.query.asof;

import io.consentledger.query.log.CheckpointHistory;
import io.consentledger.query.log.SignedCheckpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import java.time.Instant;
import java.util.Optional;

/**
 * Until the log signs checkpoints (the tree's own {@link CheckpointHistory} bean), a history that has none: every
 * point-in-time request is answered 404 {@code checkpoint-not-found}. An auto-configuration, so that it is
 * considered after every bean of the application and steps aside for the real one.
 */
@AutoConfiguration
public class NoCheckpointsYet {

    @Bean
    @ConditionalOnMissingBean(CheckpointHistory.class)
    CheckpointHistory noCheckpointsYet() {
        return new CheckpointHistory() {
            @Override
            public Optional<SignedCheckpoint> latest() {
                return Optional.empty();
            }

            @Override
            public Optional<SignedCheckpoint> atSize(long treeSize) {
                return Optional.empty();
            }

            @Override
            public Optional<SignedCheckpoint> latestSignedAtOrBefore(Instant instant) {
                return Optional.empty();
            }
        };
    }
}
