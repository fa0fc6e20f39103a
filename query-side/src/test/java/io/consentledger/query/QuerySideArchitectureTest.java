package io.consentledger.query;

import com.mongodb.client.model.WriteModel;
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
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.queryhandling.QueryHandler;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/** One room per concern: how the query side's packages may depend on each other. */
class QuerySideArchitectureTest {

    private static final String ROOT = "io.consentledger.query";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void thePackagesHaveNoCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void onlyTheWiringDependsOnTheRootPackage() {
        noClasses().that().resideOutsideOfPackage(ROOT)
                   .should().dependOnClassesThat().resideInAPackage(ROOT)
                   .check(CLASSES);
    }

    @Test
    void securityImportsNoReadModel() {
        noClasses().that().resideInAPackage(ROOT + ".security..")
                   .should().dependOnClassesThat().resideInAnyPackage(
                           ROOT + ".consent..", ROOT + ".balance..", ROOT + ".access..", ROOT + ".compliance..",
                           ROOT + ".auditors..", ROOT + ".events..", ROOT + ".projection..", "com.mongodb..", "org.bson..")
                   .check(CLASSES);
    }

    /** Batches, units of work, handler interceptors and bulk writes: the plumbing the projections share. */
    @Test
    void projectionPlumbingLivesOnlyInProjection() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".projection..")
                   .should().dependOnClassesThat().resideInAPackage("org.axonframework.messaging.unitofwork..")
                   .orShould().dependOnClassesThat(JavaClass.Predicates.resideOutsideOfPackage(ROOT + "..")
                           .and(JavaClass.Predicates.assignableTo(MessageHandlerInterceptor.class)
                                    .or(JavaClass.Predicates.assignableTo(WriteModel.class))))
                   .check(CLASSES);
    }

    @Test
    void queryHandlersAnswerWithContracts() {
        methods().that().areAnnotatedWith(QueryHandler.class)
                 .should(new ArchCondition<>("return a type of io.consentledger.contracts (or an Optional or List of one)") {
                     @Override
                     public void check(JavaMethod method, ConditionEvents events) {
                         boolean contract = answersWithContract(method.getReturnType());
                         events.add(new SimpleConditionEvent(method, contract,
                                 method.getFullName() + " returns " + method.getReturnType().getName()));
                     }
                 })
                 .check(CLASSES);
    }

    private static boolean answersWithContract(JavaType type) {
        JavaClass raw = type.toErasure();
        if (raw.isEquivalentTo(Optional.class) || raw.isEquivalentTo(List.class)) {
            return type instanceof JavaParameterizedType parameterized
                    && parameterized.getActualTypeArguments().size() == 1
                    && answersWithContract(parameterized.getActualTypeArguments().get(0));
        }
        return raw.getPackageName().startsWith("io.consentledger.contracts.");
    }

    @Test
    void everyPackageSaysWhatItIsFor() throws IOException {
        Path sources = Path.of("src/main/java/io/consentledger/query");
        assertThat(sources).isDirectory();
        try (Stream<Path> packages = Files.walk(sources)) {
            List<Path> withClasses = packages.filter(Files::isDirectory).filter(QuerySideArchitectureTest::holdsJava).toList();
            assertThat(withClasses).hasSizeGreaterThan(5)
                                   .allSatisfy(dir -> assertThat(dir.resolve("package-info.java")).isRegularFile());
        }
    }

    private static boolean holdsJava(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theImportSawTheReadModels() {
        assertThat(CLASSES.containPackage(ROOT + ".compliance")).isTrue();
        assertThat(CLASSES.stream().flatMap(c -> c.getMethods().stream())
                          .filter(m -> m.isAnnotatedWith(QueryHandler.class)).count()).isGreaterThanOrEqualTo(6);
    }
}
