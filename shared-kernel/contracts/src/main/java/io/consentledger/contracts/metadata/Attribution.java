package io.consentledger.contracts.metadata;

/**
 * The metadata keys every command and every event carries, written by the command side and read by the query side:
 * who sent it ({@link #PRINCIPAL}), as which party ({@link #PARTY}, a {@link PartyLabel}) and in which request
 * ({@link #CORRELATION_ID}). {@link #TRACE_ID} is Axon's trace id, kept alongside.
 */
public final class Attribution {

    /** The authenticated principal (a token's subject or an API key's name); absent for the ledger's own processors. */
    public static final String PRINCIPAL = "principal";
    /** The party, as {@link PartyLabel#value()}: {@code PROVIDER:bank-1}, {@code RECIPIENT:messenger}, {@code SYSTEM}. */
    public static final String PARTY = "party";
    /** The correlation id of the HTTP request that caused the message. */
    public static final String CORRELATION_ID = "correlationId";
    /** Axon's trace id: the id of the first message in the chain. */
    public static final String TRACE_ID = "traceId";

    private Attribution() {
    }
}
