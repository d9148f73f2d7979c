package dev.gemrag.pipeline.demo;

import static dev.gemrag.pipeline.config.GemragOptions.*;

import dev.gemrag.connectors.local.kafka.LocalKafkaBroker;
import dev.gemrag.connectors.local.milvus.MilvusLite;
import dev.gemrag.operators.model.ModelClient;
import dev.gemrag.operators.model.SharedEngineModels;
import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.job.GemragJob;
import dev.gemrag.pipeline.job.ModelInfo;
import dev.gemrag.pipeline.model.ConfiguredModel;
import dev.gemrag.pipeline.model.ModelResolver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Everything gemrag needs, in this JVM and without Docker: an in-process Kafka broker, a Milvus
 * Lite process, the model (held for the stack's lifetime, so the job's operators share this copy)
 * and the job running on a Flink MiniCluster. Used by {@code ./gemrag demo} and the end-to-end
 * tests.
 */
public final class EmbeddedStack implements AutoCloseable {
    private final LocalKafkaBroker kafka;
    private volatile MilvusLite milvus;
    private final GemragConfig config;
    private final ModelClient heldModel;
    private final ModelInfo model;
    private final SharedEngineModels models;
    private final JobClient job;

    private EmbeddedStack(
            LocalKafkaBroker kafka,
            MilvusLite milvus,
            GemragConfig config,
            ModelClient heldModel,
            ModelInfo model,
            SharedEngineModels models,
            JobClient job) {
        this.models = models;
        this.kafka = kafka;
        this.milvus = milvus;
        this.config = config;
        this.heldModel = heldModel;
        this.model = model;
        this.job = job;
    }

    /**
     * @param workDir where Milvus Lite keeps its data (Kafka uses a temporary directory)
     * @param base settings; Kafka and Milvus endpoints are replaced by the local ones
     * @param step progress lines for the user
     */
    public static EmbeddedStack start(Path workDir, GemragConfig base, Consumer<String> step)
            throws Exception {
        LocalKafkaBroker kafka = null;
        MilvusLite milvus = null;
        ModelClient held = null;
        try {
            long t = System.nanoTime();
            kafka = LocalKafkaBroker.start();
            kafka.createTopics(
                    1,
                    base.get(TOPIC_DOCUMENTS),
                    base.get(TOPIC_QUESTIONS),
                    base.get(TOPIC_ANSWERS),
                    base.get(TOPIC_DEAD_LETTERS));
            step.accept("Kafka (in-process) on " + kafka.bootstrapServers() + " " + since(t));
            t = System.nanoTime();
            milvus = MilvusLite.start(workDir.resolve("milvus"));
            step.accept("Milvus Lite on " + milvus.uri() + " " + since(t));
            GemragConfig config =
                    base.with(KAFKA_BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers())
                            .with(MILVUS_URI.key(), milvus.uri());
            t = System.nanoTime();
            ConfiguredModel source = ModelResolver.resolve(config);
            SharedEngineModels models = ModelResolver.engine(config, source);
            held = models.open();
            ModelInfo info = new ModelInfo(held.modelId(), held.embeddingDimension());
            // The first forward pass pays one-off native set-up: pay it here, not on the first
            // document.
            held.embed(java.util.List.of("warm up"), dev.gemrag.model.EmbedRole.DOCUMENT).join();
            step.accept(
                    "model "
                            + info.modelId()
                            + " (dim "
                            + info.dimension()
                            + ", "
                            + (info.modelId().contains("-gem")
                                    ? "GEM adapter"
                                    : "no GEM adapter: mean pooling")
                            + ") "
                            + since(t));
            t = System.nanoTime();
            Configuration flink = new Configuration();
            flink.setString("taskmanager.numberOfTaskSlots", "4");
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(flink);
            new GemragJob(config, models, info).build(env);
            JobClient job = env.executeAsync(config.get(JOB_NAME));
            awaitRunning(job, Duration.ofSeconds(60));
            step.accept(
                    "Flink job '"
                            + config.get(JOB_NAME)
                            + "' (mode "
                            + config.get(JOB_MODE).name().toLowerCase()
                            + ") running on a MiniCluster "
                            + since(t));
            return new EmbeddedStack(kafka, milvus, config, held, info, models, job);
        } catch (Exception | Error e) {
            if (held != null) {
                held.close();
            }
            if (milvus != null) {
                milvus.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            throw e;
        }
    }

    private static void awaitRunning(JobClient job, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JobStatus s = job.getJobStatus().get();
            if (s == JobStatus.RUNNING) {
                return;
            }
            if (s.isGloballyTerminalState()) {
                job.getJobExecutionResult().get(); // throws the job's failure
                throw new IllegalStateException("the job ended right after it started (" + s + ")");
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                "the job did not reach RUNNING within " + timeout.toSeconds() + " s");
    }

    private static String since(long t0) {
        return String.format("(%.1f s)", (System.nanoTime() - t0) / 1e9);
    }

    /** The effective settings, with the local endpoints. */
    public GemragConfig config() {
        return config;
    }

    public ModelInfo model() {
        return model;
    }

    /** The same shared engine the job's operators use. */
    public SharedEngineModels models() {
        return models;
    }

    public JobClient job() {
        return job;
    }

    public String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    public String milvusUri() {
        return milvus.uri();
    }

    /**
     * Stops Milvus Lite, as an outage would (fault tests); {@link #startMilvus()} brings it back.
     */
    public synchronized void stopMilvus() {
        milvus.close();
    }

    /** Starts Milvus Lite again on the same port and data directory. */
    public synchronized void startMilvus() throws java.io.IOException {
        if (!milvus.isRunning()) {
            milvus = MilvusLite.start(milvus.dataDir(), milvus.port());
        }
    }

    /**
     * Stops the Kafka broker, as an outage would (fault tests); {@link #startKafka()} brings it
     * back.
     */
    public void stopKafka() {
        kafka.stop();
    }

    /**
     * Starts the Kafka broker again on the same port and data: every topic and offset is still
     * there.
     */
    public void startKafka() {
        kafka.restart();
    }

    /** Fails with the job's error when the job has stopped. */
    public void checkJobAlive() throws Exception {
        JobStatus s = job.getJobStatus().get();
        if (s.isGloballyTerminalState()) {
            job.getJobExecutionResult().get();
            throw new IllegalStateException("the Flink job stopped (" + s + ")");
        }
    }

    @Override
    public void close() {
        try {
            job.cancel().get();
        } catch (Exception e) {
            // already finished or failed: nothing to cancel
        }
        heldModel.close();
        milvus.close();
        kafka.close();
    }
}
