package dev.gemrag.pipeline.deploy;

import static dev.gemrag.pipeline.deploy.ComposeYaml.list;
import static dev.gemrag.pipeline.deploy.ComposeYaml.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.model.fetch.DefaultModel;
import dev.gemrag.pipeline.config.ConfigException;
import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.config.GemragOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Static proof of the Docker deployment (no Docker engine here): the Compose files parse, every
 * service is complete and consistent (images/builds, ports, named volumes, depends_on), the job
 * settings they pass are real configuration keys with valid values, and the Dockerfile's paths
 * match the repository and the Maven build.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeployFilesTest {
    private static final Set<String> CONDITIONS =
            Set.of("service_started", "service_healthy", "service_completed_successfully");
    private static final Set<String> FLINK_SERVICES = Set.of("jobmanager", "taskmanager", "submit");

    private Path root;
    private Map<String, Object> compose;
    private Map<String, Object> services;

    @BeforeAll
    void load() throws Exception {
        root = RepoFiles.root();
        compose = ComposeYaml.load(root.resolve("docker-compose.yml"));
        services = map(compose.get("services"), "services");
    }

    @Test
    void theStackHasItsServices() {
        assertThat(services.keySet())
                .contains(
                        "kafka",
                        "kafka-topics",
                        "etcd",
                        "minio",
                        "milvus",
                        "model-fetch",
                        "jobmanager",
                        "taskmanager",
                        "submit");
    }

    @Test
    void everyServiceHasAnImageOrABuildThatExists() {
        services.forEach(
                (name, s) -> {
                    Map<String, Object> svc = map(s, name);
                    assertThat(svc.containsKey("image") || svc.containsKey("build"))
                            .as("%s: image or build", name)
                            .isTrue();
                    if (svc.get("image") != null) {
                        assertThat(ComposeYaml.interpolate(String.valueOf(svc.get("image"))))
                                .as("%s image", name)
                                .matches("[a-z0-9./_-]+:[A-Za-z0-9._-]+");
                    }
                    if (svc.containsKey("build")) {
                        Map<String, Object> b = map(svc.get("build"), name + ".build");
                        Path context = root.resolve(String.valueOf(b.get("context")));
                        assertThat(context).as("%s build context", name).isDirectory();
                        assertThat(context.resolve(String.valueOf(b.get("dockerfile"))))
                                .as("%s dockerfile", name)
                                .isRegularFile();
                    }
                });
    }

    @Test
    void portsAreWellFormedAndNoHostPortIsTakenTwice() {
        Set<Integer> taken = new HashSet<>();
        services.forEach(
                (name, s) -> {
                    for (Object p :
                            list(map(s, name).getOrDefault("ports", List.of()), name + ".ports")) {
                        Matcher m =
                                Pattern.compile("(\\d+)(?:-(\\d+))?:(\\d+)")
                                        .matcher(String.valueOf(p));
                        assertThat(m.matches()).as("%s port %s", name, p).isTrue();
                        int from = Integer.parseInt(m.group(1));
                        int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
                        for (int port = from; port <= to; port++) {
                            assertThat(taken.add(port))
                                    .as("host port %d published twice (%s)", port, name)
                                    .isTrue();
                        }
                    }
                });
        assertThat(ports("jobmanager")).contains("8081:8081", "9249:9249");
        assertThat(ports("kafka")).contains("29092:29092");
        assertThat(ports("milvus")).contains("19530:19530");
    }

    @Test
    void namedVolumesAreDeclaredAndBindMountsExist() {
        Set<String> declared = map(compose.get("volumes"), "volumes").keySet();
        Set<String> used = new HashSet<>();
        services.forEach(
                (name, s) -> {
                    for (Object v :
                            list(
                                    map(s, name).getOrDefault("volumes", List.of()),
                                    name + ".volumes")) {
                        String source = String.valueOf(v).split(":")[0];
                        if (source.startsWith(".") || source.startsWith("/")) {
                            assertThat(root.resolve(source).normalize())
                                    .as("%s bind mount", name)
                                    .exists();
                        } else {
                            assertThat(declared)
                                    .as("%s uses volume '%s'", name, source)
                                    .contains(source);
                            used.add(source);
                        }
                    }
                });
        assertThat(used).as("declared volumes that no service uses").containsAll(declared);
    }

    @Test
    void dependsOnNamesRealServicesWithValidConditions() {
        services.forEach(
                (name, s) -> {
                    Object deps = map(s, name).get("depends_on");
                    if (deps == null) {
                        return;
                    }
                    Map<String, String> conditions = new LinkedHashMap<>();
                    if (deps instanceof List<?> l) {
                        l.forEach(d -> conditions.put(String.valueOf(d), "service_started"));
                    } else {
                        map(deps, name + ".depends_on")
                                .forEach(
                                        (k, v) ->
                                                conditions.put(
                                                        k,
                                                        String.valueOf(
                                                                map(v, k).get("condition"))));
                    }
                    conditions.forEach(
                            (target, condition) -> {
                                assertThat(services)
                                        .as("%s depends on %s", name, target)
                                        .containsKey(target);
                                assertThat(CONDITIONS)
                                        .as("%s -> %s condition", name, target)
                                        .contains(condition);
                                Map<String, Object> t = map(services.get(target), target);
                                if (condition.equals("service_healthy")) {
                                    assertThat(t)
                                            .as(
                                                    "%s waits for %s to be healthy: it needs a healthcheck",
                                                    name, target)
                                            .containsKey("healthcheck");
                                }
                                if (condition.equals("service_completed_successfully")) {
                                    assertThat(t.get("restart"))
                                            .as("%s waits for one-shot %s", name, target)
                                            .isEqualTo("no");
                                }
                            });
                });
        // The job is submitted only when everything it talks to is ready.
        assertThat(
                        map(
                                map(services.get("submit"), "submit").get("depends_on"),
                                "submit.depends_on"))
                .containsKeys("jobmanager", "taskmanager", "kafka-topics", "milvus");
    }

    @Test
    void everyGemragVariableIsAConfigurationKeyAndTheSettingsAreValid() throws Exception {
        Set<String> known =
                GemragOptions.all().stream()
                        .map(o -> GemragOptions.envName(o.key()))
                        .collect(Collectors.toSet());
        for (String name : services.keySet()) {
            Map<String, String> env = environment(name);
            for (String var : env.keySet()) {
                if (var.startsWith("GEMRAG_")) {
                    assertThat(known)
                            .as("%s sets %s, which is no configuration key's variable", name, var)
                            .contains(var);
                }
            }
        }
        // What the job's main sees in the submit container: the mounted file, then these variables.
        Map<String, String> env = environment("submit");
        assertThat(env)
                .containsKeys(
                        "GEMRAG_KAFKA_BOOTSTRAP_SERVERS", "GEMRAG_MILVUS_URI", "GEMRAG_MODEL_PATH");
        GemragConfig config =
                GemragConfig.load(root.resolve("deploy/config/gemrag.yaml"), env, Map.of());
        assertThat(config.get(GemragOptions.KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("kafka:9092");
        assertThat(config.get(GemragOptions.MILVUS_URI)).isEqualTo("http://milvus:19530");
        assertThat(config.get(GemragOptions.MODEL_PATH))
                .isEqualTo("/models/" + DefaultModel.FILE_NAME);
        assertThat(config.get(GemragOptions.JOB_MODE).name()).isEqualTo("BOTH");
        // Partitions = parallelism (the same compose variable feeds both).
        assertThat(topicCreation())
                .contains("--partitions " + config.get(GemragOptions.PARALLELISM) + " ");
    }

    @Test
    void theConfigFilesUseOnlyKnownKeys() throws Exception {
        for (String f : List.of("deploy/config/gemrag.yaml", "deploy/config/host.yaml")) {
            Path file = root.resolve(f);
            for (String key : flatKeys(file)) {
                assertThat(isKnown(key)).as("%s: key %s", f, key).isTrue();
            }
            GemragConfig.load(file, Map.of(), Map.of()); // values valid too
        }
        // The check above is not vacuous: the config holder rejects a key it does not know.
        Path bad = Files.createTempFile("gemrag-bad", ".yaml");
        try {
            Files.writeString(bad, "kafka:\n  bootstrap-server: x:1\n");
            assertThat(isKnown("kafka.bootstrap-server")).isFalse();
            assertThatThrownBy(() -> GemragConfig.load(bad, Map.of(), Map.of()))
                    .isInstanceOf(ConfigException.class);
        } finally {
            Files.deleteIfExists(bad);
        }
        GemragConfig host =
                GemragConfig.load(root.resolve("deploy/config/host.yaml"), Map.of(), Map.of());
        assertThat(host.get(GemragOptions.KAFKA_BOOTSTRAP_SERVERS))
                .isEqualTo("localhost:" + hostPort("kafka", 29092));
        assertThat(host.get(GemragOptions.MILVUS_URI))
                .isEqualTo("http://localhost:" + hostPort("milvus", 19530));
    }

    @Test
    void theTopicsCreatedAreTheConfiguredTopics() throws Exception {
        GemragConfig config =
                GemragConfig.load(
                        root.resolve("deploy/config/gemrag.yaml"), environment("submit"), Map.of());
        Matcher m = Pattern.compile("for t in ([^;]+);").matcher(topicCreation());
        assertThat(m.find()).isTrue();
        assertThat(List.of(m.group(1).strip().split("\\s+")))
                .containsExactlyInAnyOrder(
                        config.get(GemragOptions.TOPIC_DOCUMENTS),
                                config.get(GemragOptions.TOPIC_QUESTIONS),
                        config.get(GemragOptions.TOPIC_ANSWERS),
                                config.get(GemragOptions.TOPIC_DEAD_LETTERS));
    }

    @Test
    void flinkServicesShareTheImageAndTheTaskManagerReservesAGpu() {
        for (String s : FLINK_SERVICES) {
            Map<String, Object> svc = map(services.get(s), s);
            assertThat(svc.get("image"))
                    .as(s)
                    .isEqualTo(map(services.get("jobmanager"), "jobmanager").get("image"));
            assertThat(map(svc.get("build"), s).get("dockerfile"))
                    .isEqualTo("deploy/flink/Dockerfile");
        }
        Map<String, Object> reservations =
                map(
                        map(
                                        map(
                                                        map(services.get("taskmanager"), "tm")
                                                                .get("deploy"),
                                                        "deploy")
                                                .get("resources"),
                                        "resources")
                                .get("reservations"),
                        "reservations");
        Map<String, Object> gpu =
                map(list(reservations.get("devices"), "devices").get(0), "device");
        assertThat(gpu.get("driver")).isEqualTo("nvidia");
        assertThat(list(gpu.get("capabilities"), "capabilities")).contains("gpu");
    }

    @Test
    void flinkPropertiesEnableTheReporterAndKeepDjlParentFirst() {
        Map<String, String> flink = flinkProperties(root);
        assertThat(flink)
                .containsEntry(
                        "metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .containsEntry("metrics.reporter.prom.port", "9249")
                .containsEntry("classloader.parent-first-patterns.additional", "ai.djl.")
                .containsKeys(
                        "taskmanager.memory.task.off-heap.size",
                        "jobmanager.memory.off-heap.size",
                        "execution.checkpointing.dir");
        assertThat(flink.get("execution.checkpointing.dir")).isEqualTo("file:///checkpoints");
        assertThat(map(services.get("jobmanager"), "jm").get("volumes").toString())
                .contains("checkpoints:/checkpoints");
        assertThat(map(services.get("taskmanager"), "tm").get("volumes").toString())
                .contains("checkpoints:/checkpoints");
    }

    @Test
    void theCpuOverrideDropsTheGpuAndBuildsTheCpuFlavour() throws Exception {
        Map<String, Object> cpu =
                map(
                        ComposeYaml.load(root.resolve("docker-compose.cpu.yml")).get("services"),
                        "services");
        assertThat(services.keySet()).containsAll(cpu.keySet());
        assertThat(map(cpu.get("taskmanager"), "tm").get("deploy"))
                .isInstanceOf(ComposeYaml.Tagged.class)
                .extracting(t -> ((ComposeYaml.Tagged) t).tag())
                .isEqualTo("!reset");
        for (String s : FLINK_SERVICES) {
            Map<String, Object> svc = map(cpu.get(s), s);
            assertThat(map(map(svc.get("build"), s).get("args"), s).get("TORCH_FLAVOR"))
                    .as(s)
                    .isEqualTo("cpu");
            assertThat(ComposeYaml.interpolate(String.valueOf(svc.get("image"))))
                    .as("CPU image tag of %s", s)
                    .isNotEqualTo(
                            ComposeYaml.interpolate(
                                    String.valueOf(map(services.get(s), s).get("image"))))
                    .endsWith("-cpu");
        }
        // The GPU file's default flavour is one DJL's JNI jar ships (pytorch-jni on this
        // classpath).
        String flavour =
                ComposeYaml.interpolate(
                        String.valueOf(
                                map(
                                                map(
                                                                map(
                                                                                services.get(
                                                                                        "taskmanager"),
                                                                                "tm")
                                                                        .get("build"),
                                                                "build")
                                                        .get("args"),
                                                "args")
                                        .get("TORCH_FLAVOR")));
        assertThat(
                        getClass()
                                .getClassLoader()
                                .getResource("jnilib/linux-x86_64/" + flavour + "/libdjl_torch.so"))
                .as("DJL JNI for flavour %s", flavour)
                .isNotNull();
    }

    @Test
    void dockerfileCopiesExistingFilesAndTheJarTheBuildMakes() throws Exception {
        Path dockerfile = root.resolve("deploy/flink/Dockerfile");
        List<RepoFiles.Instruction> ins = RepoFiles.dockerfile(dockerfile);
        String flinkVersion = RepoFiles.property(root.resolve("pom.xml"), "flink.version");
        String release = RepoFiles.property(root.resolve("pom.xml"), "maven.compiler.release");
        assertThat(ins)
                .filteredOn(i -> i.keyword().equals("ARG") && i.args().startsWith("FLINK_IMAGE="))
                .extracting(RepoFiles.Instruction::args)
                .containsExactly(
                        "FLINK_IMAGE=flink:" + flinkVersion + "-scala_2.12-java" + release);
        assertThat(ins)
                .filteredOn(
                        i -> i.keyword().equals("ARG") && i.args().startsWith("LIBTORCH_VERSION="))
                .extracting(RepoFiles.Instruction::args)
                .containsOnly(
                        "LIBTORCH_VERSION="
                                + RepoFiles.property(root.resolve("pom.xml"), "libtorch.version"));

        String workdir = null;
        List<String> fromBuild = new ArrayList<>();
        for (RepoFiles.Instruction i : ins) {
            if (i.keyword().equals("WORKDIR") && workdir == null) {
                workdir = i.args();
            }
            if (!i.keyword().equals("COPY")) {
                continue;
            }
            List<String> parts = List.of(i.args().split("\\s+"));
            if (parts.get(0).startsWith("--from=")) {
                fromBuild.add(parts.get(1));
            } else {
                for (String src : parts.subList(0, parts.size() - 1)) {
                    assertThat(root.resolve(src)).as("COPY source %s", src).exists();
                }
            }
        }
        // The image builds in a Maven reactor: every module the root pom lists must be there (its
        // pom at least).
        List<String> copied =
                ins.stream()
                        .filter(i -> i.keyword().equals("COPY"))
                        .map(RepoFiles.Instruction::args)
                        .map(a -> a.split("\\s+")[0])
                        .toList();
        java.util.regex.Matcher module =
                java.util.regex.Pattern.compile("<module>([^<]+)</module>")
                        .matcher(Files.readString(root.resolve("pom.xml")));
        int modules = 0;
        while (module.find()) {
            modules++;
            assertThat(copied)
                    .as("deploy/flink/Dockerfile copies every module's pom")
                    .contains(module.group(1) + "/pom.xml");
        }
        assertThat(modules).isGreaterThan(5);
        // The job jar: what the shade plugin writes, copied to where the submit service runs it
        // from.
        Path shaded =
                RepoFiles.buildPath(
                        "pipeline",
                        RepoFiles.executionSetting(
                                root.resolve("pipeline/pom.xml"), "job-jar", "outputFile"));
        assertThat(shaded).isEqualTo(Path.of(StandaloneClusterFailoverIT.JOB_JAR_IN_REPO));
        String jarCopy =
                ins.stream()
                        .filter(i -> i.keyword().equals("COPY") && i.args().contains(".jar"))
                        .map(RepoFiles.Instruction::args)
                        .filter(a -> a.contains("gemrag-job"))
                        .findFirst()
                        .orElseThrow();
        assertThat(jarCopy)
                .isEqualTo(
                        "--from=build "
                                + workdir
                                + "/"
                                + shaded
                                + " /opt/flink/usrlib/gemrag-job.jar");
        assertThat(submitCommand())
                .contains("/opt/flink/usrlib/gemrag-job.jar")
                .contains("--config /opt/gemrag/gemrag.yaml");
        assertThat(map(services.get("submit"), "submit").get("volumes").toString())
                .contains("./deploy/config/gemrag.yaml:/opt/gemrag/gemrag.yaml");
        // lib/: the DJL set the cluster IT runs with.
        Path djl =
                RepoFiles.buildPath(
                        "pipeline",
                        RepoFiles.executionSetting(
                                root.resolve("pipeline/pom.xml"), "djl-lib", "outputDirectory"));
        String run =
                ins.stream()
                        .filter(i -> i.keyword().equals("RUN"))
                        .map(RepoFiles.Instruction::args)
                        .collect(Collectors.joining("\n"));
        assertThat(run)
                .contains("cp " + djl + "/*.jar /djl-lib/")
                .contains("-pl pipeline -am verify");
        assertThat(fromBuild)
                .contains("/djl-lib/", "/djl-cache/", "/prometheus/", workdir + "/" + shaded);
        assertThat(
                        RepoFiles.executionSetting(
                                root.resolve("pipeline/pom.xml"), "djl-lib", "includeArtifactIds"))
                .contains(
                        "api", "pytorch-engine", "pytorch-jni", "pytorch-native-cpu", "tokenizers");
    }

    @Test
    void theClientAndTheTaskManagersSeeTheSameFiles() {
        // Model files are resolved to absolute paths where the job is submitted and opened in the
        // TaskManagers.
        for (String s : List.of("jobmanager", "taskmanager", "submit")) {
            assertThat(map(services.get(s), s).get("volumes").toString())
                    .as(s)
                    .contains(
                            "models:/models",
                            "gemrag-cache:/opt/flink/.cache/gemrag",
                            "checkpoints:/checkpoints");
        }
        assertThat(map(services.get("submit"), "submit").get("user"))
                .as("submit runs as the TaskManagers' user")
                .isEqualTo("flink");
    }

    @Test
    void theModelFetchMatchesTheDefaultModel() throws Exception {
        String script =
                Files.readString(root.resolve("deploy/fetch-model.sh"), StandardCharsets.UTF_8);
        assertThat(script)
                .contains("FILE=\"" + DefaultModel.FILE_NAME + "\"")
                .contains("SHA=\"" + DefaultModel.SHA256 + "\"")
                .contains(DefaultModel.REQUIREMENT);
        assertThat(environment("submit").get("GEMRAG_MODEL_PATH"))
                .isEqualTo("/models/" + DefaultModel.FILE_NAME);
        assertThat(map(services.get("model-fetch"), "mf").get("volumes").toString())
                .contains("models:/models");
    }

    // ---- helpers

    private List<String> ports(String service) {
        return list(map(services.get(service), service).getOrDefault("ports", List.of()), service)
                .stream()
                .map(String::valueOf)
                .toList();
    }

    private int hostPort(String service, int containerPort) {
        for (String p : ports(service)) {
            if (p.endsWith(":" + containerPort)) {
                return Integer.parseInt(p.substring(0, p.indexOf(':')));
            }
        }
        throw new AssertionError(service + " does not publish " + containerPort);
    }

    private Map<String, String> environment(String service) {
        Object env = map(services.get(service), service).get("environment");
        Map<String, String> out = new LinkedHashMap<>();
        if (env instanceof Map<?, ?> m) {
            m.forEach(
                    (k, v) ->
                            out.put(String.valueOf(k), ComposeYaml.interpolate(String.valueOf(v))));
        } else if (env instanceof List<?> l) {
            l.forEach(
                    e -> {
                        String[] kv = String.valueOf(e).split("=", 2);
                        out.put(kv[0], kv.length > 1 ? ComposeYaml.interpolate(kv[1]) : "");
                    });
        }
        return out;
    }

    private String topicCreation() {
        return ComposeYaml.interpolate(
                String.join(
                        "\n",
                        list(map(services.get("kafka-topics"), "kt").get("command"), "command")
                                .stream()
                                .map(String::valueOf)
                                .toList()));
    }

    private String submitCommand() {
        return String.join(
                "\n",
                list(map(services.get("submit"), "submit").get("command"), "command").stream()
                        .map(String::valueOf)
                        .toList());
    }

    /** FLINK_PROPERTIES of the Flink services (interpolated), as the key/value map Flink reads. */
    static Map<String, String> flinkProperties(Path root) {
        try {
            Map<String, Object> svc =
                    map(
                            map(
                                            ComposeYaml.load(root.resolve("docker-compose.yml"))
                                                    .get("services"),
                                            "services")
                                    .get("taskmanager"),
                            "taskmanager");
            String props =
                    ComposeYaml.interpolate(
                            String.valueOf(
                                    map(svc.get("environment"), "env").get("FLINK_PROPERTIES")));
            Map<String, Object> parsed =
                    map(
                            new Yaml(new SafeConstructor(new LoaderOptions())).load(props),
                            "FLINK_PROPERTIES");
            Map<String, String> out = new LinkedHashMap<>();
            parsed.forEach((k, v) -> out.put(k, String.valueOf(v)));
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> flatKeys(Path yaml) throws Exception {
        Object root =
                new Yaml(new SafeConstructor(new LoaderOptions()))
                        .load(Files.readString(yaml, StandardCharsets.UTF_8));
        List<String> out = new ArrayList<>();
        flatten("", map(root, yaml.toString()), out);
        return out;
    }

    private static void flatten(String prefix, Map<String, Object> m, List<String> out) {
        m.forEach(
                (k, v) -> {
                    if (v instanceof Map<?, ?>) {
                        flatten(prefix + k + ".", map(v, k), out);
                    } else {
                        out.add(prefix + k);
                    }
                });
    }

    private static boolean isKnown(String key) {
        return key.startsWith(GemragOptions.KAFKA_PROPERTIES_PREFIX)
                || GemragOptions.all().stream().map(ConfigOption::key).anyMatch(key::equals);
    }
}
