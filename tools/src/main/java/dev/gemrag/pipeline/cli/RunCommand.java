package dev.gemrag.pipeline.cli;

import dev.gemrag.pipeline.job.GemragJobMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the job against real Kafka and Milvus (settings from --config / GEMRAG_* / --set).",
            "Here it runs on a local Flink MiniCluster; on a cluster submit the job jar instead:",
            "  flink run -c dev.gemrag.pipeline.job.GemragJobMain pipeline/target/gemrag-job.jar --config gemrag.yaml"
        })
public final class RunCommand implements Callable<Integer> {
    @Mixin ConfigMixin config;

    @Override
    public Integer call() throws Exception {
        GemragJobMain.run(config.load());
        return 0;
    }
}
