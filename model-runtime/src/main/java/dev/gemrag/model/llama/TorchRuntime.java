package dev.gemrag.model.llama;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device and thread choices for the PyTorch engine, made once per JVM.
 *
 * <p>Device: the first CUDA GPU when DJL finds one ({@code Engine.getGpuCount() > 0}), the CPU
 * otherwise. Threads: PyTorch defaults to very few intra-op threads under DJL; we set {@code
 * num_threads} to the number of available processors unless {@link #configureThreads} says
 * otherwise (the job's {@code model.threads}, the CLI's {@code --threads}: one name per setting, so
 * there is no system property). Inter-op threads stay at 1: the forward is one op after another,
 * parallelism lives inside each matmul.
 *
 * <p>Set {@code OMP_WAIT_POLICY=PASSIVE} in the environment of the JVM (the launcher and the test
 * runners do): measured on a 2-core machine under load, spinning OpenMP threads made a decode step
 * ~60x slower (4.5 s vs 73 ms); it has to be in the environment before libtorch loads. Set {@code
 * MKL_CBWR=AUTO,STRICT} too (the launcher and the test runners do): MKL then gives a small GEMM the
 * same bits whatever the alignment of its buffers, which lets a decode step's rows that start at
 * the same cache slot share one attention call and stay batch-invariant ({@link
 * #mklReproducible()}); without it each row gets a call of its own.
 */
public final class TorchRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(TorchRuntime.class);
    private static volatile boolean configured;

    private TorchRuntime() {}

    /** The device the model runs on: GPU 0 when DJL sees a CUDA device, else the CPU. */
    public static Device defaultDevice() {
        ensureConfigured();
        return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /** Starts the engine with the configured thread count (idempotent). */
    public static void ensureConfigured() {
        if (configured) {
            return;
        }
        synchronized (TorchRuntime.class) {
            if (configured) {
                return;
            }
            int threads = Runtime.getRuntime().availableProcessors();
            Engine.getEngine("PyTorch");
            applyThreads(threads);
            warnIfSpinning();
            configured = true;
        }
    }

    /**
     * libgomp spins at barriers unless told otherwise; on a CPU shared with other busy threads that
     * stalls.
     */
    private static void warnIfSpinning() {
        if (System.getenv("OMP_WAIT_POLICY") == null && Engine.getInstance().getGpuCount() == 0) {
            LOG.warn(
                    "OMP_WAIT_POLICY is not set: PyTorch's CPU threads spin at barriers, which can slow the model"
                            + " down many times over when other processes share the CPU; export OMP_WAIT_POLICY=PASSIVE");
        }
    }

    /**
     * Whether MKL runs in strict conditional-numerical-reproducibility mode ({@code MKL_CBWR} with
     * {@code STRICT}, read by MKL when libtorch loads): the fused CPU attention's small MKL GEMMs
     * then give a row the same bits in a call of one row or of many (measured: without it, one call
     * over 8 rows differed from 8 one-row calls by up to 1.2e-7 at 220 of 300 key lengths, with it
     * at none; with one thread at none either way).
     */
    public static boolean mklReproducible() {
        String cbwr = System.getenv("MKL_CBWR");
        return cbwr != null && cbwr.toUpperCase(java.util.Locale.ROOT).contains("STRICT");
    }

    /** Sets PyTorch's intra-op thread count now (and for later engine users). */
    public static void configureThreads(int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("torch threads must be positive, got " + threads);
        }
        Engine.getEngine("PyTorch");
        applyThreads(threads);
        configured = true;
    }

    private static void applyThreads(int threads) {
        if (JniUtils.getNumThreads() != threads) {
            JniUtils.setNumThreads(threads);
        }
        LOG.info(
                "PyTorch {} intra-op threads {}",
                Engine.getEngine("PyTorch").getVersion(),
                JniUtils.getNumThreads());
    }
}
