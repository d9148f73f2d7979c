package dev.gemrag.pipeline.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MemoryReadingTest {
    /** The head of a real {@code jcmd PID VM.native_memory summary} from a soak JVM (JDK 17). */
    private static final String SUMMARY =
            """
            Native Memory Tracking:

            (Omitting categories weighting less than 1KB)

            Total: reserved=4548295KB, committed=1627667KB
                   malloc: 707819KB #692456
                   mmap:   reserved=3840476KB, committed=919848KB

            -                 Java Heap (reserved=2097152KB, committed=690176KB)
                                        (mmap: reserved=2097152KB, committed=690176KB)

            -                     Class (reserved=1050991KB, committed=18159KB)
            """;

    @Test
    void nmtNonHeapIsTheCommittedTotalLessTheCommittedHeap() {
        // (1627667 - 690176) KB / 1024, by hand
        assertThat(MemoryReading.nmtNonHeap(SUMMARY)).isCloseTo(915.519, within(0.001));
    }

    @Test
    void withoutNmtTheJvmNativeColumnIsUnknown() {
        assertThat(MemoryReading.nmtNonHeap("Native memory tracking is not enabled")).isNaN();
        // this test JVM runs without -XX:NativeMemoryTracking
        assertThat(MemoryReading.now().jvmNative()).isNaN();
    }

    @Test
    void aReadingOfThisJvmSplitsRssIntoHeapAndTheRest() {
        System.gc(); // so that "after the last GC" exists
        MemoryReading m = MemoryReading.now();
        assertThat(m.heapCommitted()).isPositive();
        assertThat(m.heapAfterGc()).isPositive().isLessThanOrEqualTo(m.heapCommitted());
        assertThat(m.rss()).isGreaterThan(m.rssFile()).isPositive();
    }
}
