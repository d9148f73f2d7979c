package dev.gemrag.pipeline.soak;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Where this process's resident memory sits, in MiB, so that a soak's growth can be pinned on the
 * Java heap, on the JVM's own native memory or on native code the JVM does not see (libtorch and
 * glibc's malloc arenas).
 *
 * <ul>
 *   <li>{@code rss}: resident set ({@code VmRSS}); {@code rssFile}: the part backed by files (the
 *       Kafka broker's memory-mapped indexes, jars);
 *   <li>{@code heapAfterGc}: heap in use right after the last collection (the live set, not the
 *       garbage between collections); {@code heapCommitted}: what the heap holds from the OS;
 *   <li>{@code jvmNative}: the JVM's own native memory outside the heap (threads, metaspace, code,
 *       GC structures, direct buffers), from Native Memory Tracking when the JVM runs with {@code
 *       -XX:NativeMemoryTracking=summary}, else NaN;
 *   <li>{@link #untracked()}: anonymous resident memory that neither the heap nor NMT accounts for:
 *       libtorch's tensors and malloc arenas.
 * </ul>
 */
public record MemoryReading(
        double rss, double rssFile, double heapAfterGc, double heapCommitted, double jvmNative) {

    private static final Pattern NMT_TOTAL =
            Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern NMT_HEAP =
            Pattern.compile("Java Heap \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

    /** Reads it now (a few ms; NMT's summary walks the JVM's native allocations). */
    public static MemoryReading now() {
        Map<String, Double> status = procStatus();
        return new MemoryReading(
                status.getOrDefault("VmRSS", Double.NaN),
                status.getOrDefault("RssFile", Double.NaN),
                heapAfterLastGc(),
                committedHeap(),
                nmtNonHeapCommitted());
    }

    /**
     * Anonymous resident memory outside the heap and outside what NMT tracks (NaN without NMT).
     * Heap and NMT count committed pages, some not yet touched, so this is a lower bound.
     */
    public double untracked() {
        return rss - rssFile - heapCommitted - jvmNative;
    }

    private static Map<String, Double> procStatus() {
        Map<String, Double> out = new java.util.HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                // "VmRSS:	  123456 kB"
                int colon = line.indexOf(':');
                if (colon > 0 && line.endsWith(" kB")) {
                    String kb = line.substring(colon + 1, line.length() - 3).trim();
                    out.put(line.substring(0, colon), Long.parseLong(kb) / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: every field stays NaN
        }
        return out;
    }

    /** Heap in use after the most recent collection of any collector; NaN before the first. */
    private static double heapAfterLastGc() {
        GcInfo latest = null;
        for (java.lang.management.GarbageCollectorMXBean b :
                ManagementFactory.getGarbageCollectorMXBeans()) {
            if (b instanceof GarbageCollectorMXBean gc) {
                GcInfo info = gc.getLastGcInfo();
                if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                    latest = info;
                }
            }
        }
        if (latest == null) {
            return Double.NaN;
        }
        List<String> heapPools =
                ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(p -> p.getType() == MemoryType.HEAP)
                        .map(p -> p.getName())
                        .toList();
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : latest.getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        return used / 1048576.0;
    }

    private static double committedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1048576.0;
    }

    /** NMT's committed total less the Java heap, or NaN when NMT is off. */
    private static double nmtNonHeapCommitted() {
        try {
            String summary =
                    (String)
                            ManagementFactory.getPlatformMBeanServer()
                                    .invoke(
                                            new ObjectName(
                                                    "com.sun.management:type=DiagnosticCommand"),
                                            "vmNativeMemory",
                                            new Object[] {new String[] {"summary"}},
                                            new String[] {String[].class.getName()});
            return nmtNonHeap(summary);
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /** Parses the committed total less the heap from {@code VM.native_memory summary} text. */
    static double nmtNonHeap(String summary) {
        Matcher total = NMT_TOTAL.matcher(summary);
        Matcher heap = NMT_HEAP.matcher(summary);
        if (!total.find() || !heap.find()) {
            return Double.NaN; // "Native memory tracking is not enabled"
        }
        return (Long.parseLong(total.group(2)) - Long.parseLong(heap.group(2))) / 1024.0;
    }
}
