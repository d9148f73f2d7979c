package dev.gemrag.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSmokeIT {
    @Test
    void startsAndRegisters() throws Exception {
        Path work = Path.of("target/cluster-smoke");
        try (StandaloneFlinkCluster c = StandaloneFlinkCluster.startJobManager(Path.of("target/flink-dist/lib"), work.toAbsolutePath(), Map.of(), Duration.ofSeconds(60))) {
            FlinkProcess tm = c.startTaskManager();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (c.rest().overview().path("taskmanagers").asInt() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(300);
            }
            System.out.println(c.rest().overview());
            assertThat(c.rest().overview().path("taskmanagers").asInt()).isEqualTo(1);
            System.out.println(c.rest().getText("http://127.0.0.1:" + tm.prometheusPort() + "/").lines().limit(5).toList());
        }
    }
}
