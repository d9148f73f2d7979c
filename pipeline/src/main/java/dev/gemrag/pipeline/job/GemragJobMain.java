package dev.gemrag.pipeline.job;

import dev.gemrag.operators.model.ModelClient;
import dev.gemrag.operators.model.SharedEngineModels;
import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.config.GemragOptions;
import dev.gemrag.pipeline.model.ConfiguredModel;
import dev.gemrag.pipeline.model.ModelResolver;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Main class of the job jar: {@code flink run -c dev.gemrag.pipeline.job.GemragJobMain
 * gemrag-job.jar --config gemrag.yaml [--set key=value ...]}. Outside a cluster it runs on a local
 * MiniCluster.
 */
public final class GemragJobMain {
    private GemragJobMain() {}

    public static void main(String[] args) throws Exception {
        Path file = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("--config") || a.equals("-c")) && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (a.equals("--set") && i + 1 < args.length) {
                String kv = args[++i];
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--set needs KEY=VALUE, got '" + kv + "'");
                }
                overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
            } else {
                throw new IllegalArgumentException(
                        "unknown argument '" + a + "': use --config FILE and --set KEY=VALUE");
            }
        }
        run(GemragConfig.load(file, System.getenv(), overrides));
    }

    /** Builds and runs the job; blocks while it runs (a streaming job runs until cancelled). */
    public static void run(GemragConfig config) throws Exception {
        ConfiguredModel source = ModelResolver.resolve(config);
        SharedEngineModels models = ModelResolver.engine(config, source);
        ModelInfo info;
        // Held while the job runs: in a local MiniCluster the operators share this loaded copy.
        try (ModelClient held = models.open()) {
            info = new ModelInfo(held.modelId(), held.embeddingDimension());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            new GemragJob(config, models, info).build(env);
            env.execute(config.get(GemragOptions.JOB_NAME));
        }
    }
}
