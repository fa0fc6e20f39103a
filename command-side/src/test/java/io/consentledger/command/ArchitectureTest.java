package io.consentledger.command;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaParameterizedType;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Layering of the command side: the domain knows nothing of the web, the store or the processors around it; all HTTP
 * code is under {@code api}; {@code config} is Axon wiring; no package cycles; what the API answers is a contract.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.consentledger");

    private static final String[] DOMAIN = {"io.consentledger.command.consent..", "io.consentledger.command.link..",
            "io.consentledger.command.common.."};
    /** The aggregates, their shared kernel and the processors that send them commands. */
    private static final String[] COMMAND_DOMAIN = {"io.consentledger.command.consent..", "io.consentledger.command.link..",
            "io.consentledger.command.common..", "io.consentledger.command.expiry..", "io.consentledger.command.unlink..",
            "io.consentledger.command.metrics.."};
    private static final String[] WEB = {"org.springframework.web..", "org.springframework.http..", "jakarta.servlet..",
            "io.consentledger.security..", "io.consentledger.command.api.."};

    @Test
    void theDomainDoesNotDependOnTheWebOrTheStore() {
        noClasses().that().resideInAnyPackage(DOMAIN)
                   .should().dependOnClassesThat().resideInAnyPackage(
                           "io.consentledger.command.api..", "io.consentledger.command.expiry..",
                           "io.consentledger.command.unlink..", "io.consentledger.command.config..",
                           "org.springframework.web..", "org.springframework.http..", "jakarta.servlet..",
                           "io.consentledger.security..",
                           "com.mongodb..", "org.bson..", "tools.jackson..", "com.fasterxml.jackson..")
                   .check(CLASSES);
    }

    @Test
    void theCommandDomainImportsNoSecurityOrWebCode() {
        noClasses().that().resideInAnyPackage(COMMAND_DOMAIN)
                   .should().dependOnClassesThat().resideInAnyPackage(WEB)
                   .check(CLASSES);
    }

    @Test
    void allHttpCodeIsUnderApi() {
        noClasses().that().resideInAPackage("io.consentledger.command..")
                   .and().resideOutsideOfPackage("io.consentledger.command.api..")
                   .should().dependOnClassesThat().resideInAnyPackage(WEB)
                   .orShould().beAnnotatedWith(RestController.class)
                   .check(CLASSES);
    }

    @Test
    void configHoldsOnlyAxonWiring() {
        noClasses().that().resideInAPackage("io.consentledger.command.config..")
                   .should().dependOnClassesThat().resideInAnyPackage("io.consentledger.command.api..",
                           "io.consentledger.command.expiry..", "io.consentledger.command.unlink..",
                           "io.consentledger.command.metrics..")
                   .check(CLASSES);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.consentledger.command.(**)").should().beFreeOfCycles().check(CLASSES);
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

    /** A controller answers with a contract (or with nothing): responses live in the contracts, not in the api. */
    @Test
    void controllersAnswerWithContracts() {
        methods().that().areDeclaredInClassesThat().areAnnotatedWith(RestController.class)
                 .and().arePublic()
                 .should(returnAContract())
                 .check(CLASSES);
    }

    private static ArchCondition<JavaMethod> returnAContract() {
        return new ArchCondition<>("return a type from io.consentledger.contracts (possibly in a ResponseEntity)") {
            @Override
            public void check(JavaMethod method, ConditionEvents events) {
                JavaType type = method.getReturnType();
                JavaClass returned = type.toErasure();
                if (returned.isEquivalentTo(ResponseEntity.class) && type instanceof JavaParameterizedType parameterized) {
                    returned = parameterized.getActualTypeArguments().get(0).toErasure();
                }
                boolean contract = returned.getPackageName().startsWith("io.consentledger.contracts")
                        || returned.isEquivalentTo(void.class);
                events.add(new SimpleConditionEvent(method, contract,
                        method.getFullName() + " returns " + returned.getName()));
            }
        };
    }

    @Test
    void everyPackageSaysWhatItIsFor() throws IOException {
        assertThat(packagesWithoutInfo(Path.of("src/main/java"))).isEmpty();
    }

    /** The source directories holding Java files but no {@code package-info.java}. */
    static List<Path> packagesWithoutInfo(Path root) throws IOException {
        assertThat(root).isDirectory();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                        .map(Path::getParent)
                        .distinct()
                        .filter(dir -> !Files.exists(dir.resolve("package-info.java")))
                        .toList();
        }
    }

    @Test
    void theImportSawBothModules() {
        assertThat(CLASSES.containPackage("io.consentledger.contracts.consent")).isTrue();
        assertThat(CLASSES.containPackage("io.consentledger.command.consent")).isTrue();
        assertThat(CLASSES.containPackage("io.consentledger.command.api.problem")).isTrue();
    }
}
