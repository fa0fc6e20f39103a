package io.consentledger.query.compliance;

import io.consentledger.contracts.audit.ComplianceRule;
import io.consentledger.contracts.common.RefusalReason;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every reason the command side refuses a command has its twin among the compliance rules, which find a share that
 * got past that refusal, or says here why it has none. A reason or a rule added on one side only fails this test.
 */
class RefusalTwinsTest {

    /** A refusal's compliance twin, or, for {@code rule} null, why a share needs none. */
    private record Twin(ComplianceRule rule, String noTwinBecause) {
        static Twin of(ComplianceRule rule) {
            return new Twin(rule, null);
        }

        static Twin none(String because) {
            return new Twin(null, because);
        }
    }

    private static final Map<RefusalReason, Twin> TWINS = new EnumMap<>(Map.ofEntries(
            Map.entry(RefusalReason.CONSENT_UNKNOWN, Twin.of(ComplianceRule.UNKNOWN_CONSENT)),
            Map.entry(RefusalReason.LINK_UNKNOWN, Twin.of(ComplianceRule.LINK_NOT_IN_CONSENT)),
            Map.entry(RefusalReason.LINK_UNLINKED, Twin.of(ComplianceRule.SHARED_AFTER_UNLINK)),
            Map.entry(RefusalReason.CONSENT_NOT_AUTHORISED, Twin.of(ComplianceRule.SHARED_BEFORE_AUTHORISATION)),
            Map.entry(RefusalReason.CONSENT_REJECTED, Twin.of(ComplianceRule.SHARED_AFTER_REJECTION)),
            Map.entry(RefusalReason.CONSENT_REVOKED, Twin.of(ComplianceRule.SHARED_AFTER_REVOCATION)),
            Map.entry(RefusalReason.CONSENT_EXPIRED, Twin.of(ComplianceRule.SHARED_AFTER_EXPIRY)),
            Map.entry(RefusalReason.SCOPE_NOT_GRANTED, Twin.of(ComplianceRule.SCOPE_NOT_GRANTED)),
            Map.entry(RefusalReason.PURPOSE_NOT_GRANTED, Twin.of(ComplianceRule.PURPOSE_NOT_GRANTED)),
            Map.entry(RefusalReason.PROHIBITED_PURPOSE, Twin.of(ComplianceRule.PURPOSE_NOT_GRANTED)),
            Map.entry(RefusalReason.LINK_NOT_IN_CONSENT, Twin.of(ComplianceRule.LINK_NOT_IN_CONSENT)),
            Map.entry(RefusalReason.TRANSACTION_NOT_VIA_RECIPIENT, Twin.of(ComplianceRule.CHANNEL_NOT_RECIPIENT)),
            Map.entry(RefusalReason.OUTSIDE_TRANSACTION_WINDOW, Twin.of(ComplianceRule.OUTSIDE_WINDOW)),
            Map.entry(RefusalReason.FREQUENCY_EXCEEDED, Twin.of(ComplianceRule.FREQUENCY_EXCEEDED)),
            Map.entry(RefusalReason.ONE_OFF_ALREADY_USED, Twin.of(ComplianceRule.FREQUENCY_EXCEEDED)),
            Map.entry(RefusalReason.ALREADY_EXISTS,
                      Twin.none("an id used twice is refused before anything is shared; a share event is keyed by its own id")),
            Map.entry(RefusalReason.CONCURRENT_MODIFICATION,
                      Twin.none("a technical conflict between two commands, not a bound of the consent")),
            Map.entry(RefusalReason.LINKS_OF_DIFFERENT_OWNERS,
                      Twin.none("refuses a consent request; its shares are checked against the links the request names")),
            Map.entry(RefusalReason.CONSENT_NOT_AWAITING_AUTHORISATION,
                      Twin.none("refuses an authorisation or rejection, not a share")),
            Map.entry(RefusalReason.EXPIRY_IN_PAST, Twin.none("refuses a request or authorisation, not a share; "
                      + "a share past the expiry is SHARED_AFTER_EXPIRY")),
            Map.entry(RefusalReason.EXPIRY_TOO_FAR, Twin.none("refuses a request or authorisation, not a share")),
            Map.entry(RefusalReason.CURRENCY_MISMATCH, Twin.none("a balance or transaction in another currency than "
                      + "the link's is a data error, not data shared outside the consent; the balance read model "
                      + "does not count it")),
            Map.entry(RefusalReason.CUSTOMER_UNKNOWN, Twin.none("refuses an erasure request, not a share")),
            Map.entry(RefusalReason.CUSTOMER_ERASED, Twin.none("refuses new personal data of a customer whose erasure "
                      + "was requested; a share is never stored for it, so there is nothing for the compliance check to find"))));

    /** Rules with no refusal of their own, and why. */
    private static final Map<ComplianceRule, String> COMPLIANCE_ONLY = Map.of(
            ComplianceRule.RECIPIENT_MISMATCH,
            "the command side takes the recipient from the consent, so only a share written past it can name another");

    @Test
    void everyRefusalReasonHasItsTwinOrSaysWhyNot() {
        assertThat(TWINS.keySet()).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(RefusalReason.class));
        TWINS.forEach((reason, twin) -> assertThat(twin.rule() != null || !twin.noTwinBecause().isBlank())
                .as(reason.name()).isTrue());
    }

    @Test
    void everyComplianceRuleIsTheTwinOfARefusalOrSaysWhyNot() {
        Set<ComplianceRule> twinned = EnumSet.noneOf(ComplianceRule.class);
        TWINS.values().stream().map(Twin::rule).filter(rule -> rule != null).forEach(twinned::add);
        assertThat(twinned).doesNotContainAnyElementsOf(COMPLIANCE_ONLY.keySet());
        twinned.addAll(COMPLIANCE_ONLY.keySet());
        assertThat(twinned).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(ComplianceRule.class));
    }
}
