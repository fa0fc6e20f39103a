package io.consentledger.command;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/** Layering of the command side: the domain knows nothing of the web, the store or the processors around it. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.consentledger");

    private static final String[] DOMAIN = {"io.consentledger.command.consent..", "io.consentledger.command.link..",
            "io.consentledger.command.common.."};

    @Test
    void theDomainDoesNotDependOnTheWebOrTheStore() {
        noClasses().that().resideInAnyPackage(DOMAIN)
                   .should().dependOnClassesThat().resideInAnyPackage(
                           "io.consentledger.command.api..", "io.consentledger.command.api.idempotency..",
                           "io.consentledger.command.expiry..", "io.consentledger.command.unlink..",
                           "io.consentledger.command.config..",
                           "org.springframework.web..", "org.springframework.http..", "jakarta.servlet..",
                           "com.mongodb..", "org.bson..", "tools.jackson..", "com.fasterxml.jackson..")
                   .check(CLASSES);
    }

    @Test
    void theConsentAggregateDoesNotReachIntoTheLinkPackage() {
        noClasses().that().resideInAPackage("io.consentledger.command.consent..")
                   .should().dependOnClassesThat().resideInAPackage("io.consentledger.command.link..")
                   .check(CLASSES);
    }

    @Test
    void processorsDoNotDependOnTheWebLayer() {
        noClasses().that().resideInAnyPackage("io.consentledger.command.expiry..", "io.consentledger.command.unlink..")
                   .should().dependOnClassesThat().resideInAnyPackage("io.consentledger.command.api..", "org.springframework.web..",
                           "jakarta.servlet..")
                   .check(CLASSES);
    }

    @Test
    void contractsDoNotDependOnTheCommandSide() {
        noClasses().that().resideInAPackage("io.consentledger.contracts..")
                   .should().dependOnClassesThat().resideInAPackage("io.consentledger.command..")
                   .check(CLASSES);
    }

    @Test
    void theImportSawBothModules() {
        assertThat(CLASSES.containPackage("io.consentledger.contracts.consent")).isTrue();
        assertThat(CLASSES.containPackage("io.consentledger.command.consent")).isTrue();
    }
}
