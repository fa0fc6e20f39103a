package io.consentledger.contracts;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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
    void theImportFoundTheContracts() {
        org.assertj.core.api.Assertions.assertThat(contracts.size()).isGreaterThan(20);
    }
}
