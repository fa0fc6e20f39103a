package io.consentledger.command.consent;

import java.util.Optional;

/**
 * The consent aggregate's read-only window on account links, injected into its command handlers. In the
 * application it loads the link aggregate in the same unit of work, so a link unlinked a moment ago is seen as
 * unlinked (no share after unlink, no matter how far the asynchronous revocation has got).
 */
public interface LinkDirectory {

    Optional<LinkView> find(String linkId);
}
