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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules that keep the modules apart, as tests. Main and test classes come from every module's
 * target/classes and target/test-classes (a reactor build compiles them before pipeline's tests run).
 */
class ArchitectureTest {
    private static final String MODEL = "dev.gemrag.model..";
    private static final String CONNECTORS = "dev.gemrag.connectors..";
    private static final String OPERATORS = "dev.gemrag.operators..";
    private static final String PIPELINE = "dev.gemrag.pipeline..";
    /** Module root packages: an internal package belongs to the module whose root it sits under. */
    private static final List<String> MODULE_ROOTS = List.of("dev.gemrag.model", "dev.gemrag.connectors",
            "dev.gemrag.operators", "dev.gemrag.pipeline");
    /**
     * Where printing is the product: the CLI, its benchmarks, demo, client tools and the config table printer,
     * the in-JVM tools of model-runtime (eval, train: progress tables on a terminal), the Milvus sink benchmark,
     * and the first-use model download (pip progress on stderr, documented). Everything else logs.
     */
    private static final String[] MAY_PRINT = {"dev.gemrag.pipeline.cli..", "dev.gemrag.pipeline.bench..",
            "dev.gemrag.pipeline.demo..", "dev.gemrag.pipeline.client..", "dev.gemrag.model.eval..",
            "dev.gemrag.model.train..", "dev.gemrag.model.fetch.."};
    private static final Set<String> MAY_PRINT_CLASSES = Set.of("dev.gemrag.pipeline.config.ConfigTable",
            "dev.gemrag.connectors.milvus.MilvusSinkBenchmark");

    /**
     * Tools: the CLI and what only it, the demo, the benchmarks or tests run. The job jar's shade filters
     * (pipeline/pom.xml) leave these out, so nothing that runs on a TaskManager may depend on them.
     */
    static final String[] TOOLS = {"dev.gemrag.pipeline.cli..", "dev.gemrag.pipeline.bench..",
            "dev.gemrag.pipeline.demo..", "dev.gemrag.pipeline.client..", "dev.gemrag.pipeline.samples..", "dev.gemrag.pipeline.eval..", "dev.gemrag.pipeline.soak..",
            "dev.gemrag.model.eval..", "dev.gemrag.model.train..", "dev.gemrag.connectors.local..", "picocli.."};
    static final String SINK_BENCHMARK = "dev.gemrag.connectors.milvus.MilvusSinkBenchmark";

    private static JavaClasses main;
    private static JavaClasses tests;

    @BeforeAll
    static void importClasses() {
        List<Path> mainDirs = new ArrayList<>();
        List<Path> testDirs = new ArrayList<>();
        for (String module : List.of("model-runtime", "connectors", "operators", "pipeline")) {
            Path classes = Path.of("..", module, "target", "classes");
            Path testClasses = Path.of("..", module, "target", "test-classes");
            assertThat(classes).as("build every module first (mvn -pl pipeline -am verify)").isDirectory();
            assertThat(testClasses).as("compile the tests of every module first (mvn -pl pipeline -am verify)").isDirectory();
            mainDirs.add(classes);
            testDirs.add(testClasses);
        }
        // From the modules' output folders, not the classpath: scanning every jar for dev.gemrag is slow.
        main = new ClassFileImporter().importPaths(mainDirs);
        tests = new ClassFileImporter().importPaths(testDirs);
        assertThat(main.size()).as("main classes found").isGreaterThan(200);
        assertThat(tests.size()).as("test classes found").isGreaterThan(100);
    }

    @Test
    void modulesDependOneWay() {
        Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("model-runtime").definedBy(MODEL)
                .layer("connectors").definedBy(CONNECTORS)
                .layer("operators").definedBy(OPERATORS)
                .layer("pipeline").definedBy(PIPELINE)
                .whereLayer("pipeline").mayNotBeAccessedByAnyLayer()
                .whereLayer("operators").mayOnlyBeAccessedByLayers("pipeline")
                .whereLayer("connectors").mayOnlyBeAccessedByLayers("operators", "pipeline")
                .check(main);
    }

    @Test
    void modelRuntimeImportsNoFlinkKafkaOrMilvus() {
        noClasses().that().resideInAPackage(MODEL)
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.flink..", "org.apache.kafka..",
                        "io.milvus..", "picocli..")
                .because("the model runtime is a library of its own; the streaming parts live above it")
                .check(main);
    }

    @Test
    void internalPackagesStayInTheirModule() {
        for (String root : MODULE_ROOTS) {
            ArchRule rule = classes().that().resideInAPackage(root + "..internal..")
                    .should().onlyBeAccessed().byClassesThat().resideInAPackage(root + "..")
                    .allowEmptyShould(true);
            rule.check(main);
            rule.check(tests);
        }
        classes().that().resideInAPackage("..internal..").should(beInAPackageAnnotatedWith(Internal.class))
                .allowEmptyShould(true).check(main);
        noClasses().that().resideInAPackage("..internal..").should().beAnnotatedWith(PublicApi.class).check(main);
    }

    @Test
    void publicApiMarksTheEntryPoints() {
        long marked = main.stream().filter(c -> c.isAnnotatedWith(PublicApi.class)
                || c.getPackage().isAnnotatedWith(PublicApi.class)).count();
        assertThat(marked).isGreaterThan(15);
        classes().that().haveFullyQualifiedName("dev.gemrag.pipeline.job.GemragJob")
                .or().haveFullyQualifiedName("dev.gemrag.connectors.milvus.MilvusSink")
                .or().haveFullyQualifiedName("dev.gemrag.model.LanguageModel")
                .should().beAnnotatedWith(PublicApi.class).check(main);
    }

    /**
     * A unit test (*Test, run by surefire on every build) neither starts a server nor loads the real model:
     * those are *IT (failsafe).
     */
    @Test
    void unitTestsStartNoServerAndLoadNoRealModel() {
        DescribedPredicate<JavaClass> unitTest = new DescribedPredicate<>("unit tests (*Test and their nested classes)") {
            @Override
            public boolean test(JavaClass c) {
                return c.getName().replaceFirst("\\$.*", "").endsWith("Test");
            }
        };
        noClasses().that(unitTest).should().dependOnClassesThat().haveFullyQualifiedName(
                        "dev.gemrag.connectors.local.kafka.LocalKafkaBroker")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.gemrag.connectors.local.milvus.MilvusLite")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.gemrag.pipeline.demo.EmbeddedStack")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.flink.runtime.minicluster.MiniCluster")
                .orShould(callAnyOf("dev.gemrag.model.fetch.DefaultModel.path", "dev.gemrag.model.gem.ModelRuntime.loadDefault",
                        "dev.gemrag.pipeline.model.ConfiguredModel.load", "dev.gemrag.model.fetch.ModelFetcher.fetch"))
                .because("servers and the real model belong in *IT tests (failsafe), not in the fast unit suite")
                .check(tests);
    }

    @Test
    void runtimeCodeLogsInsteadOfPrinting() {
        noClasses().that().resideOutsideOfPackages(MAY_PRINT)
                .and(new DescribedPredicate<JavaClass>("are not listed tools") {
                    @Override
                    public boolean test(JavaClass c) {
                        return !MAY_PRINT_CLASSES.contains(c.getName().replaceFirst("\\$.*", ""));
                    }
                })
                .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
                .because("operators read logs: one line per event through slf4j; only CLI and tool code prints")
                .check(main);
    }

    @Test
    void whatRunsOnATaskManagerNeedsNoTool() {
        noClasses().that().resideOutsideOfPackages(TOOLS).and().doNotHaveFullyQualifiedName(SINK_BENCHMARK)
                .should().dependOnClassesThat().resideInAnyPackage(TOOLS)
                .orShould().dependOnClassesThat().haveFullyQualifiedName(SINK_BENCHMARK)
                .because("the job jar leaves the tools out (pipeline/pom.xml shade filters)")
                .check(main);
    }

    private static ArchCondition<JavaClass> callAnyOf(String... methods) {
        Set<String> names = Set.of(methods);
        return new ArchCondition<>("call any of " + names) {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                for (JavaMethodCall call : c.getMethodCallsFromSelf()) {
                    String target = call.getTargetOwner().getName() + "." + call.getName();
                    if (names.contains(target)) {
                        events.add(SimpleConditionEvent.violated(c, c.getName() + " calls " + target
                                + " in " + call.getSourceCodeLocation()));
                    }
                }
            }
        };
    }

    private static ArchCondition<JavaClass> beInAPackageAnnotatedWith(Class<? extends java.lang.annotation.Annotation> a) {
        return new ArchCondition<>("be in a package annotated with @" + a.getSimpleName()) {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                if (!c.getPackage().isAnnotatedWith(a)) {
                    events.add(SimpleConditionEvent.violated(c, c.getPackageName() + " has no @" + a.getSimpleName()
                            + " in its package-info.java"));
                }
            }
        };
    }
}
