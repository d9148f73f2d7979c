package dev.gemrag.pipeline.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The practical FP32 ceiling of this machine through DJL: GFLOP/s of plain matmuls with the model's
 * own prefill shapes ({tokens, hidden} x {hidden, hidden}, x {hidden, intermediate}, {tokens,
 * intermediate} x {intermediate, hidden}). A model's prefill cannot beat the best of them, so model
 * FLOP/s divided by it says how much of the hardware the forward uses.
 */
public final class MatmulCeiling {
    private MatmulCeiling() {}

    /** The best GFLOP/s over the three shapes; each shape's time is its fastest single matmul. */
    public static double bestOfModelShapes(
            int tokens, int hidden, int intermediate, int iterations) {
        return Math.max(
                gflops(tokens, hidden, hidden, iterations),
                Math.max(
                        gflops(tokens, hidden, intermediate, iterations),
                        gflops(tokens, intermediate, hidden, iterations)));
    }

    /**
     * GFLOP/s of {m, k} x {k, n} in FP32, from the fastest of {@code iterations} timed matmuls
     * after a warm-up (fastest, because other processes on a shared machine only ever slow a run
     * down).
     */
    public static double gflops(int m, int k, int n, int iterations) {
        long best = Long.MAX_VALUE;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray a = manager.randomNormal(new Shape(m, k)).toType(DataType.FLOAT32, false);
            NDArray b = manager.randomNormal(new Shape(k, n)).toType(DataType.FLOAT32, false);
            for (int i = -3; i < iterations; i++) {
                try (NDManager scope = manager.newSubManager()) {
                    scope.tempAttachAll(a, b);
                    long t0 = System.nanoTime();
                    NDArray c = a.matMul(b);
                    c.getFloat(
                            0, 0); // CPU ops are synchronous; reading one value makes sure it ran
                    long dt = System.nanoTime() - t0;
                    if (i >= 0) {
                        best = Math.min(best, dt);
                    }
                }
            }
        }
        return 2.0 * m * k * n / (best / 1e9) / 1e9;
    }
}
