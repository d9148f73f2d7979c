package dev.gemrag.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.pipeline.config.GemragConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class JobRestartsTest {
    @Test
    void byDefaultTheJobRestartsWithExponentialDelayUpToAMinute() {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(new Configuration());
        env.configure(JobRestarts.of(GemragConfig.defaults()));
        ReadableConfig c = env.getConfiguration();
        assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
                .isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void zeroTurnsRestartsOffAndAShortMaxIsAlsoTheFirstDelay() {
        Configuration off =
                JobRestarts.of(
                        GemragConfig.load(null, Map.of(), Map.of("restart.max-delay", "0 s")));
        assertThat(off.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("none");
        Configuration quick =
                JobRestarts.of(
                        GemragConfig.load(null, Map.of(), Map.of("restart.max-delay", "200 ms")));
        assertThat(
                        quick.get(
                                RestartStrategyOptions
                                        .RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
                .isEqualTo(Duration.ofMillis(200));
    }
}
