package io.consentledger.security;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.consentledger.security.problem.Problems;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared web-security module knows neither application and takes from the contracts only the attribution
 * metadata; problems are written in one place; no package cycles.
 */
class WebSecurityArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.consentledger.security");

    @Test
    void knowsNeitherApplicationNorTheStore() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.consentledger.command..",
                        "io.consentledger.query..", "io.consentledger.eventstore..", "org.axonframework..",
                        "com.mongodb..", "org.bson..")
                   .check(CLASSES);
    }

    @Test
    void takesOnlyTheMetadataFromTheContracts() {
        noClasses().should().dependOnClassesThat(DescribedPredicate.describe("contracts outside their metadata",
                        (JavaClass c) -> c.getPackageName().startsWith("io.consentledger.contracts")
                                && !c.getPackageName().equals("io.consentledger.contracts.metadata")))
                   .check(CLASSES);
    }

    /** Response bodies (problems) are serialised by {@code Problems} alone, with Jackson, never by hand. */
    @Test
    void onlyProblemsWritesResponseBodies() {
        noClasses().that().doNotHaveFullyQualifiedName(Problems.class.getName())
                   .should().callMethodWhere(target(nameMatching("getOutputStream|getWriter")))
                   .check(CLASSES);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.consentledger.security.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void everyPackageSaysWhatItIsFor() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".java")).map(Path::getParent).distinct()
                            .filter(dir -> !Files.exists(dir.resolve("package-info.java")))).isEmpty();
        }
    }

    @Test
    void theImportFoundTheModule() {
        assertThat(CLASSES.containPackage("io.consentledger.security.problem")).isTrue();
    }
}
