package dev.gemrag.pipeline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of this process (heap, native libtorch buffers, everything), from {@code
 * /proc/self/status}: VmRSS now and VmHWM, the peak.
 */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {}

    /** Current resident set in MiB, or -1 where /proc is not available. */
    public static double rssMib() {
        return field("VmRSS:");
    }

    /** Peak resident set in MiB since the process started, or -1 where /proc is not available. */
    public static double peakRssMib() {
        return field("VmHWM:");
    }

    /** The 1-minute load average (other processes compete for the same cores), or "?". */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static double field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    // "VmHWM:	  123456 kB"
                    String kb = line.substring(name.length()).trim().split("\\s+")[0];
                    return Long.parseLong(kb) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
