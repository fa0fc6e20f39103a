package io.consentledger.eventstore;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/** The event store's shape: packages without cycles, a Spring-free core, one role sentence per package. */
class EventStoreArchitectureTest {

    private static final String ROOT = "io.consentledger.eventstore";

    private final JavaClasses eventStore = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    /** Every package is a slice of its own, the root package included. */
    private static final SliceAssignment BY_PACKAGE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            return javaClass.getPackageName().startsWith(ROOT)
                    ? SliceIdentifier.of(javaClass.getPackageName())
                    : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "the packages of the event store";
        }
    };

    @Test
    void hasNoPackageCycles() {
        slices().assignedFrom(BY_PACKAGE).should().beFreeOfCycles().check(eventStore);
    }

    @Test
    void itsCoreImportsNoSpring() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".spring..")
                   .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
                   .because("everything outside the spring package is plain Java, Axon and the MongoDB driver")
                   .check(eventStore);
    }

    @Test
    void theEventLogReadsThroughTheSchemaNotTheEngine() {
        noClasses().that().haveFullyQualifiedName(EventLog.class.getName())
                   .should().dependOnClassesThat().haveFullyQualifiedName(GapAwareMongoEventStorageEngine.class.getName())
                   .check(eventStore);
    }

    @Test
    void everyPackageSaysItsRoleInAPackageInfo() throws IOException {
        Path sources = Path.of("src/main/java", ROOT.split("\\."));
        assertThat(sources).isDirectory();
        List<Path> packages;
        try (Stream<Path> walk = Files.walk(sources)) {
            packages = walk.filter(Files::isDirectory).filter(EventStoreArchitectureTest::holdsJava).toList();
        }
        assertThat(packages).hasSizeGreaterThanOrEqualTo(5);
        for (Path pkg : packages) {
            Path info = pkg.resolve("package-info.java");
            assertThat(info).as("package-info.java in %s", pkg).exists();
            assertThat(Files.readString(info)).as("the role of %s", pkg).containsPattern("/\\*\\*\\s*\\n\\s*\\* \\S+");
        }
    }

    @Test
    void theImportFoundTheEventStore() {
        assertThat(eventStore.size()).isGreaterThan(20);
        assertThat(eventStore.stream().map(JavaClass::getPackageName).distinct().count()).isGreaterThanOrEqualTo(6);
    }

    private static boolean holdsJava(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
