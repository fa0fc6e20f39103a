package io.consentledger.contracts;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The contracts are shared by every side and by clients: no infrastructure may leak in. */
class ContractsArchitectureTest {

    private final JavaClasses contracts = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.consentledger.contracts");

    @Test
    void contractsAreFreeOfInfrastructure() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "org.springframework..", "com.mongodb..", "org.bson..", "com.fasterxml.jackson..",
                        "tools.jackson..", "jakarta.servlet..", "javax.servlet..", "jakarta.persistence..",
                        "io.consentledger.command..", "io.consentledger.query..", "io.consentledger.eventstore..")
                   .check(contracts);
    }

    @Test
    void fromAxonOnlyTheModellingAnnotationsAreUsed() {
        noClasses().should().dependOnClassesThat(
                        com.tngtech.archunit.base.DescribedPredicate.describe("Axon classes other than modelling annotations",
                                (com.tngtech.archunit.core.domain.JavaClass c) -> c.getPackageName().startsWith("org.axonframework")
                                        && !c.getName().equals("org.axonframework.modelling.command.TargetAggregateIdentifier")))
                   .check(contracts);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.consentledger.contracts.(*)..").should().beFreeOfCycles().check(contracts);
    }

    /** Value types and metadata are the bottom layer: nothing in them knows a command, an event or a query. */
    @Test
    void valueTypesAndMetadataDependOnNoMessage() {
        noClasses().that().resideInAnyPackage("io.consentledger.contracts.common..", "io.consentledger.contracts.metadata..")
                   .should().dependOnClassesThat().resideInAnyPackage("io.consentledger.contracts.consent..",
                           "io.consentledger.contracts.link..", "io.consentledger.contracts.share..",
                           "io.consentledger.contracts.audit..")
                   .check(contracts);
    }

    /** What the web layers answer is a contract too, and carries no web type (no ResponseEntity, no servlet). */
    @Test
    void responsesAreContracts() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.consentledger.security..",
                        "org.springframework.http..", "org.springframework.web..")
                   .check(contracts);
        org.assertj.core.api.Assertions.assertThat(contracts.containPackage("io.consentledger.contracts.metadata")).isTrue();
        org.assertj.core.api.Assertions.assertThat(contracts.stream().map(c -> c.getSimpleName()))
                .contains("ConsentState", "LinkState", "BalanceShareRecorded", "TransactionsShareRecorded");
    }

    @Test
    void everyPackageSaysWhatItIsFor() throws IOException {
        Path root = Path.of("src/main/java/io/consentledger/contracts");
        org.assertj.core.api.Assertions.assertThat(root.resolve("package-info.java")).exists();
        try (Stream<Path> files = Files.walk(root)) {
            org.assertj.core.api.Assertions.assertThat(files.filter(p -> p.toString().endsWith(".java"))
                    .map(Path::getParent).distinct()
                    .filter(dir -> !Files.exists(dir.resolve("package-info.java")))).isEmpty();
        }
    }

    @Test
    void theImportFoundTheContracts() {
        org.assertj.core.api.Assertions.assertThat(contracts.size()).isGreaterThan(20);
    }
}
