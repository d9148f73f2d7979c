package dev.gemrag.pipeline.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.Architectures;
import dev.gemrag.annotations.Internal;
import dev.gemrag.annotations.PublicApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules that keep the modules apart, as tests. Main and test classes come from every module's
 * target/classes and target/test-classes (a reactor build compiles them before the tools module's
 * tests run); a class belongs to the module whose folder it was read from, so a tool cannot hide in
 * a serving module by its package name.
 */
class ArchitectureTest {
    /** Module root packages: an internal package belongs to the module whose root it sits under. */
    private static final List<String> MODULE_ROOTS =
            List.of(
                    "dev.gemrag.model",
                    "dev.gemrag.connectors",
                    "dev.gemrag.operators",
                    "dev.gemrag.pipeline");

    /**
     * Bottom to top; local-stack (in-process Kafka, Milvus Lite) stands beside them for tests and
     * the demo.
     */
    private static final List<String> MODULES =
            List.of("model-runtime", "local-stack", "connectors", "operators", "pipeline", "tools");

    /** What a TaskManager runs: these modules make up the job jar. */
    private static final List<String> SERVING =
            List.of("model-runtime", "connectors", "operators", "pipeline");

    /**
     * Where printing is the product besides the tools module: the first-use model download (pip
     * progress on stderr, documented) and the config table printer. Everything else that runs on a
     * TaskManager logs.
     */
    private static final String[] MAY_PRINT = {"dev.gemrag.model.fetch.."};

    private static final Set<String> MAY_PRINT_CLASSES =
            Set.of("dev.gemrag.pipeline.config.ConfigTable");

    /**
     * Tool packages: they live in the tools module; a serving module that grew one would ship it in
     * the job jar.
     */
    static final String[] TOOL_PACKAGES = {
        "dev.gemrag.pipeline.cli..",
        "dev.gemrag.pipeline.bench..",
        "dev.gemrag.pipeline.demo..",
        "dev.gemrag.pipeline.client..",
        "dev.gemrag.pipeline.samples..",
        "dev.gemrag.pipeline.eval..",
        "dev.gemrag.pipeline.soak..",
        "dev.gemrag.model.eval..",
        "dev.gemrag.model.train..",
        "dev.gemrag.connectors.local..",
        "picocli.."
    };

    private static final Path JOB_JAR = Path.of("..", "pipeline", "target", "gemrag-job.jar");

    private static JavaClasses main;
    private static JavaClasses tests;

    /** Class name (outer class) -> the module whose target/classes holds it. */
    private static final Map<String, String> MODULE_OF = new HashMap<>();

    @BeforeAll
    static void importClasses() {
        List<Path> mainDirs = new ArrayList<>();
        List<Path> testDirs = new ArrayList<>();
        for (String module : MODULES) {
            Path classes = Path.of("..", module, "target", "classes");
            Path testClasses = Path.of("..", module, "target", "test-classes");
            assertThat(classes)
                    .as("build every module first (mvn -pl tools -am verify)")
                    .isDirectory();
            assertThat(testClasses)
                    .as("compile the tests of every module first (mvn -pl tools -am verify)")
                    .isDirectory();
            mainDirs.add(classes);
            testDirs.add(testClasses);
            for (JavaClass c : new ClassFileImporter().importPath(classes)) {
                String before = MODULE_OF.put(c.getName(), module);
                // The same class in two modules: a stale build folder or a copy; either hides which
                // one runs.
                assertThat(before)
                        .as(
                                c.getName()
                                        + " is in "
                                        + before
                                        + " and "
                                        + module
                                        + " (stale target/? run mvn clean)")
                        .isNull();
            }
        }
        // From the modules' output folders, not the classpath: scanning every jar for dev.gemrag is
        // slow.
        main = new ClassFileImporter().importPaths(mainDirs);
        tests = new ClassFileImporter().importPaths(testDirs);
        assertThat(main.size()).as("main classes found").isGreaterThan(200);
        assertThat(tests.size()).as("test classes found").isGreaterThan(100);
    }

    private static DescribedPredicate<JavaClass> inModule(String... modules) {
        Set<String> names = Set.of(modules);
        return new DescribedPredicate<>("in module " + names) {
            @Override
            public boolean test(JavaClass c) {
                return names.contains(MODULE_OF.get(c.getName()));
            }
        };
    }

    @Test
    void modulesDependOneWay() {
        Architectures.layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("model-runtime")
                .definedBy(inModule("model-runtime"))
                .layer("local-stack")
                .definedBy(inModule("local-stack"))
                .layer("connectors")
                .definedBy(inModule("connectors"))
                .layer("operators")
                .definedBy(inModule("operators"))
                .layer("pipeline")
                .definedBy(inModule("pipeline"))
                .layer("tools")
                .definedBy(inModule("tools"))
                .whereLayer("tools")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("pipeline")
                .mayOnlyBeAccessedByLayers("tools")
                .whereLayer("operators")
                .mayOnlyBeAccessedByLayers("pipeline", "tools")
                .whereLayer("connectors")
                .mayOnlyBeAccessedByLayers("operators", "pipeline", "tools")
                .whereLayer("model-runtime")
                .mayOnlyBeAccessedByLayers("operators", "pipeline", "tools")
                .whereLayer("local-stack")
                .mayOnlyBeAccessedByLayers("tools")
                .check(main);
    }

    @Test
    void modelRuntimeImportsNoFlinkKafkaOrMilvus() {
        noClasses()
                .that(inModule("model-runtime"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.flink..", "org.apache.kafka..", "io.milvus..", "picocli..")
                .because(
                        "the model runtime is a library of its own; the streaming parts live above it")
                .check(main);
    }

    @Test
    void gsonStaysInTheMilvusRowAdapter() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName("dev.gemrag.connectors.milvus.internal.ChunkRowMapper")
                .and()
                .doNotHaveFullyQualifiedName(
                        "dev.gemrag.connectors.milvus.internal.ChunkRowMapper$Row")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.google.gson..")
                .because(
                        "the Milvus SDK's rows are Gson objects, built in one adapter; every other"
                                + " JSON is Jackson")
                .check(main);
    }

    @Test
    void internalPackagesStayInTheirModule() {
        for (String root : MODULE_ROOTS) {
            ArchRule rule =
                    classes()
                            .that()
                            .resideInAPackage(root + "..internal..")
                            .should()
                            .onlyBeAccessed()
                            .byClassesThat()
                            .resideInAPackage(root + "..")
                            .allowEmptyShould(true);
            rule.check(main);
            rule.check(tests);
        }
        classes()
                .that()
                .resideInAPackage("..internal..")
                .should(beInAPackageAnnotatedWith(Internal.class))
                .allowEmptyShould(true)
                .check(main);
        noClasses()
                .that()
                .resideInAPackage("..internal..")
                .should()
                .beAnnotatedWith(PublicApi.class)
                .check(main);
    }

    @Test
    void publicApiMarksTheEntryPoints() {
        long marked =
                main.stream()
                        .filter(
                                c ->
                                        c.isAnnotatedWith(PublicApi.class)
                                                || c.getPackage().isAnnotatedWith(PublicApi.class))
                        .count();
        assertThat(marked).isGreaterThan(15);
        classes()
                .that()
                .haveFullyQualifiedName("dev.gemrag.pipeline.job.GemragJob")
                .or()
                .haveFullyQualifiedName("dev.gemrag.connectors.milvus.MilvusSink")
                .or()
                .haveFullyQualifiedName("dev.gemrag.model.LanguageModel")
                .should()
                .beAnnotatedWith(PublicApi.class)
                .check(main);
    }

    /**
     * A unit test (*Test, run by surefire on every build) neither starts a server nor loads the
     * real model: those are *IT (failsafe).
     */
    @Test
    void unitTestsStartNoServerAndLoadNoRealModel() {
        DescribedPredicate<JavaClass> unitTest =
                new DescribedPredicate<>("unit tests (*Test and their nested classes)") {
                    @Override
                    public boolean test(JavaClass c) {
                        return c.getName().replaceFirst("\\$.*", "").endsWith("Test");
                    }
                };
        noClasses()
                .that(unitTest)
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("dev.gemrag.connectors.local.kafka.LocalKafkaBroker")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("dev.gemrag.connectors.local.milvus.MilvusLite")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("dev.gemrag.pipeline.demo.EmbeddedStack")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("org.apache.flink.runtime.minicluster.MiniCluster")
                .orShould(
                        callAnyOf(
                                "dev.gemrag.model.fetch.DefaultModel.path",
                                "dev.gemrag.model.gem.ModelRuntime.loadDefault",
                                "dev.gemrag.pipeline.model.ConfiguredModel.load",
                                "dev.gemrag.model.fetch.ModelFetcher.fetch"))
                .because(
                        "servers and the real model belong in *IT tests (failsafe), not in the fast unit suite")
                .check(tests);
    }

    @Test
    void runtimeCodeLogsInsteadOfPrinting() {
        noClasses()
                .that(inModule(SERVING.toArray(String[]::new)))
                .and()
                .resideOutsideOfPackages(MAY_PRINT)
                .and(
                        new DescribedPredicate<JavaClass>("are not listed printers") {
                            @Override
                            public boolean test(JavaClass c) {
                                return !MAY_PRINT_CLASSES.contains(
                                        c.getName().replaceFirst("\\$.*", ""));
                            }
                        })
                .should()
                .accessField(System.class, "out")
                .orShould()
                .accessField(System.class, "err")
                .because(
                        "operators read logs: one line per event through slf4j; only the tools print")
                .check(main);
    }

    @Test
    void servingModulesHoldNoTool() {
        noClasses()
                .that(inModule(SERVING.toArray(String[]::new)))
                .should()
                .resideInAnyPackage(TOOL_PACKAGES)
                .because("the job jar is the serving modules; tools belong in the tools module")
                .allowEmptyShould(true)
                .check(main);
    }

    /**
     * The built job jar (when this build packaged it) holds no class of the tools or local-stack
     * modules.
     */
    @Test
    void jobJarHoldsNoToolClass() throws IOException {
        Assumptions.assumeTrue(
                Files.isRegularFile(JOB_JAR),
                "no job jar built (mvn -pl tools -am verify builds it)");
        Set<String> entries = new HashSet<>();
        try (ZipFile jar = new ZipFile(JOB_JAR.toFile())) {
            jar.stream()
                    .map(ZipEntry::getName)
                    .filter(n -> n.endsWith(".class") || n.endsWith(".py"))
                    .forEach(entries::add);
        }
        List<String> leaked = new ArrayList<>();
        MODULE_OF.forEach(
                (name, module) -> {
                    if ((module.equals("tools") || module.equals("local-stack"))
                            && entries.contains(name.replace('.', '/') + ".class")) {
                        leaked.add(name);
                    }
                });
        entries.stream()
                .filter(n -> n.startsWith("picocli/") || n.endsWith(".py"))
                .forEach(leaked::add);
        assertThat(leaked).as("tool classes in " + JOB_JAR).isEmpty();
        assertThat(entries)
                .as("the job's entry point is in the jar")
                .contains("dev/gemrag/pipeline/job/GemragJobMain.class");
    }

    private static ArchCondition<JavaClass> callAnyOf(String... methods) {
        Set<String> names = Set.of(methods);
        return new ArchCondition<>("call any of " + names) {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                for (JavaMethodCall call : c.getMethodCallsFromSelf()) {
                    String target = call.getTargetOwner().getName() + "." + call.getName();
                    if (names.contains(target)) {
                        events.add(
                                SimpleConditionEvent.violated(
                                        c,
                                        c.getName()
                                                + " calls "
                                                + target
                                                + " in "
                                                + call.getSourceCodeLocation()));
                    }
                }
            }
        };
    }

    private static ArchCondition<JavaClass> beInAPackageAnnotatedWith(
            Class<? extends java.lang.annotation.Annotation> a) {
        return new ArchCondition<>("be in a package annotated with @" + a.getSimpleName()) {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                if (!c.getPackage().isAnnotatedWith(a)) {
                    events.add(
                            SimpleConditionEvent.violated(
                                    c,
                                    c.getPackageName()
                                            + " has no @"
                                            + a.getSimpleName()
                                            + " in its package-info.java"));
                }
            }
        };
    }
}
