package io.consentledger.contracts;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.consentledger.contracts.privacy.Classification;
import io.consentledger.contracts.privacy.DataSubject;
import io.consentledger.contracts.privacy.NotPersonal;
import io.consentledger.contracts.privacy.PartlyPersonal;
import io.consentledger.contracts.privacy.Personal;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16: every field of every event is classified as personal data of the customer or not. Events are the records
 * of the message packages named in the past tense (the project's naming rule), less the command API's answers
 * ({@code *Recorded}); the command and query sides check the same for every type their handlers take.
 */
class EventClassificationTest {

    private static List<Class<?>> events() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                                      .importPackages("io.consentledger.contracts.consent", "io.consentledger.contracts.link",
                                                      "io.consentledger.contracts.share", "io.consentledger.contracts.customer")
                                      .stream().filter(JavaClass::isRecord)
                                      .filter(c -> c.getSimpleName().endsWith("ed") && !c.getSimpleName().endsWith("Recorded"))
                                      .map(JavaClass::reflect).<Class<?>>map(c -> c)
                                      .sorted(java.util.Comparator.comparing(Class::getName)).toList();
    }

    @Test
    void everyEventFieldIsClassified() {
        Map<String, List<String>> problems = new TreeMap<>();
        for (Class<?> event : events()) {
            List<String> found = Classification.problems(event);
            if (!found.isEmpty()) {
                problems.put(event.getSimpleName(), found);
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theScanFindsEveryEvent() {
        assertThat(events()).extracting(Class::getSimpleName).contains(
                "ConsentRequested", "ConsentAuthorised", "ConsentReauthorised", "ConsentRejected", "ConsentRevoked",
                "ConsentExpired", "BankAccountLinked", "BankAccountUnlinked", "BalanceShared", "TransactionsShared",
                "CustomerErasureRequested", "CustomerDataErased");
    }

    @Test
    void theIssuesPersonalDataIsPersonalAndTheProofIsNot() throws Exception {
        assertThat(kind(io.consentledger.contracts.link.BankAccountLinked.class, "accountId")).isEqualTo(Classification.Kind.PERSONAL);
        assertThat(kind(io.consentledger.contracts.link.BankAccountLinked.class, "evidence")).isEqualTo(Classification.Kind.PERSONAL);
        assertThat(kind(io.consentledger.contracts.consent.ConsentAuthorised.class, "evidence")).isEqualTo(Classification.Kind.PERSONAL);
        assertThat(kind(io.consentledger.contracts.share.BalanceShared.class, "amount")).isEqualTo(Classification.Kind.PERSONAL);
        assertThat(kind(io.consentledger.contracts.share.TransactionsShared.class, "transactionIds")).isEqualTo(Classification.Kind.PERSONAL);
        assertThat(kind(io.consentledger.contracts.share.TransactionsShared.class, "transactions")).isEqualTo(Classification.Kind.PERSONAL);
        assertThat(kind(io.consentledger.contracts.consent.ConsentedLink.class, "accountId")).isEqualTo(Classification.Kind.PERSONAL);
        for (String proof : List.of("consentId", "linkId", "recipientId", "providerId", "scope", "purpose", "window", "sharedAt")) {
            assertThat(kind(io.consentledger.contracts.share.BalanceShared.class, proof)).as(proof).isEqualTo(Classification.Kind.NOT_PERSONAL);
        }
        assertThat(kind(io.consentledger.contracts.share.BalanceShared.class, "customerId")).isEqualTo(Classification.Kind.DATA_SUBJECT);
    }

    // --- the check itself fails where it must -------------------------------------------------------------------

    record Unclassified(@NotPersonal String providerId, @DataSubject String customerId, String newField) {
    }

    record TwiceClassified(@NotPersonal String providerId, @DataSubject String customerId, @Personal @NotPersonal String amount) {
    }

    record PersonalWithoutSubject(@NotPersonal String providerId, @Personal String accountId) {
    }

    record Inner(@NotPersonal String id, String secret) {
    }

    record NestedUnclassified(@NotPersonal String providerId, @DataSubject String customerId, @PartlyPersonal List<Inner> inner) {
    }

    record NotARecordInside(@NotPersonal String providerId, @DataSubject String customerId, @PartlyPersonal String text) {
    }

    @Test
    void aNewUnclassifiedFieldFails() {
        assertThat(Classification.problems(Unclassified.class)).singleElement().asString().contains("Unclassified.newField");
        assertThat(Classification.problems(TwiceClassified.class)).singleElement().asString().contains("TwiceClassified.amount");
        assertThat(Classification.problems(PersonalWithoutSubject.class)).singleElement().asString().contains("no @DataSubject");
        assertThat(Classification.problems(NestedUnclassified.class)).singleElement().asString().contains("NestedUnclassified.inner.secret");
        assertThat(Classification.problems(NotARecordInside.class)).singleElement().asString().contains("@PartlyPersonal needs a record");
        assertThat(Classification.problems(String.class)).singleElement().asString().contains("must be a record");
    }

    private static Classification.Kind kind(Class<?> record, String field) {
        return java.util.Arrays.stream(record.getRecordComponents()).filter(c -> c.getName().equals(field)).findFirst()
                               .flatMap(Classification::of).orElseThrow();
    }
}
