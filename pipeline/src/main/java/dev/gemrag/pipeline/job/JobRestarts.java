package dev.gemrag.pipeline.job;

import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.config.GemragOptions;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;

/**
 * The job's restart strategy, from {@code restart.max-delay}: Flink's exponential-delay strategy (1
 * s, doubling up to the max, with jitter; back to 1 s after an hour without failure; no limit on
 * attempts), so a job that lost Milvus or Kafka for minutes comes back by itself, on a MiniCluster
 * (run, demo) as on a cluster.
 */
public final class JobRestarts {
    static final Duration FIRST_DELAY = Duration.ofSeconds(1);

    private JobRestarts() {}

    public static Configuration of(GemragConfig config) {
        Duration max = config.get(GemragOptions.RESTART_MAX_DELAY);
        Configuration c = new Configuration();
        if (max.isZero() || max.isNegative()) {
            c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            return c;
        }
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        c.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                max.compareTo(FIRST_DELAY) < 0 ? max : FIRST_DELAY);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, max);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
        c.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                Duration.ofHours(1));
        c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, 0.1);
        c.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS,
                Integer.MAX_VALUE);
        return c;
    }
}
