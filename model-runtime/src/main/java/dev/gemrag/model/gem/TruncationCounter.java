package dev.gemrag.model.gem;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts inputs cut to the token limit. Never silent: the first truncation and then every {@code
 * logEvery}-th one is logged as one line with the running total.
 */
public final class TruncationCounter {
    private static final Logger LOG = LoggerFactory.getLogger(TruncationCounter.class);

    private final AtomicLong count = new AtomicLong();
    private final long logEvery;

    public TruncationCounter(long logEvery) {
        if (logEvery <= 0) {
            throw new IllegalArgumentException("logEvery must be positive, got " + logEvery);
        }
        this.logEvery = logEvery;
    }

    public void record(int originalTokens, int keptTokens) {
        long n = count.incrementAndGet();
        if (n == 1 || n % logEvery == 0) {
            LOG.warn(
                    "input truncated from {} to {} tokens ({} truncated inputs so far)",
                    originalTokens,
                    keptTokens,
                    n);
        }
    }

    public long count() {
        return count.get();
    }
}
