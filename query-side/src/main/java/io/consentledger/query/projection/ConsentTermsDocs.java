package io.consentledger.query.projection;

import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import io.consentledger.contracts.consent.ConsentRequested;
import io.consentledger.contracts.consent.ConsentedLink;
import org.bson.Document;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one BSON mapping of a consent's terms (recipient, links, scopes, purposes, window, frequency, expiry), which
 * the consent views and the compliance check both keep, each with fields of its own beside them.
 */
public final class ConsentTermsDocs {

    private ConsentTermsDocs() {
    }

    /** A consent's terms as requested; scopes and purposes as sorted names. */
    public static Document terms(ConsentRequested event) {
        return new Document("recipientId", event.recipientId())
                .append("linkIds", event.links().stream().map(ConsentedLink::linkId).toList())
                .append("scopes", names(event.scopes()))
                .append("purposes", names(event.purposes()))
                .append("window", window(event.window()))
                .append("frequency", frequency(event.frequency()))
                .append("expiresAt", Docs.date(event.expiresAt()));
    }

    public static Set<Scope> scopes(Document terms) {
        return Docs.strings(terms, "scopes").stream().map(Scope::valueOf)
                   .collect(Collectors.toCollection(() -> EnumSet.noneOf(Scope.class)));
    }

    public static Set<Purpose> purposes(Document terms) {
        return Docs.strings(terms, "purposes").stream().map(Purpose::valueOf)
                   .collect(Collectors.toCollection(() -> EnumSet.noneOf(Purpose.class)));
    }

    private static java.util.List<String> names(Set<? extends Enum<?>> values) {
        return values.stream().map(Enum::name).sorted().toList();
    }

    /** {@code {from, to, lookbackDays}}: a fixed window has the first two, a rolling one the last. */
    public static Document window(TransactionWindow window) {
        return new Document("from", Docs.date(window.from())).append("to", Docs.date(window.to()))
                                                             .append("lookbackDays", window.lookbackDays());
    }

    /** The window stored by {@link #window(TransactionWindow)}; null for none. */
    public static TransactionWindow window(Document stored) {
        if (stored == null) {
            return null;
        }
        return stored.getInteger("lookbackDays") != null ? TransactionWindow.lookback(stored.getInteger("lookbackDays"))
                : TransactionWindow.fixed(Docs.instant(stored, "from"), Docs.instant(stored, "to"));
    }

    /** {@code {oneOff, maxPerDay}}. */
    public static Document frequency(AccessFrequency frequency) {
        return new Document("oneOff", frequency.oneOff()).append("maxPerDay", frequency.maxPerDay());
    }

    /** The frequency stored by {@link #frequency(AccessFrequency)}; null for none. */
    public static AccessFrequency frequency(Document stored) {
        if (stored == null) {
            return null;
        }
        return stored.getBoolean("oneOff", false) ? AccessFrequency.once()
                : AccessFrequency.perDay(stored.getInteger("maxPerDay"));
    }
}
