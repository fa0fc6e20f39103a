package io.consentledger.command.common;

/**
 * The caller's party may not send this command at all, whatever the ids (a recipient naming another recipient, a
 * provider linking for another provider, an initiator the party cannot be). Answered 403 {@code forbidden}. Never
 * used for "this object is not yours": that is answered like an unknown id.
 */
public class Forbidden extends RuntimeException {

    public Forbidden(String message) {
        super(message, null, false, false);
    }
}
