package dev.gemrag.pipeline.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The practical FP32 ceiling of this machine through DJL: GFLOP/s of one plain matmul with the
 * model's own largest prefill shape ({tokens, hidden} x {hidden, intermediate}). A model's prefill
 * cannot beat it, so model FLOP/s divided by it says how much of the hardware the forward uses.
 */
public final class MatmulCeiling {
    private MatmulCeiling() {}

    /** Best-of-repeats GFLOP/s of {m, k} x {k, n} in FP32 on the CPU engine (one warm-up round). */
    public static double gflops(int m, int k, int n, int iterations) {
        double best = Double.MAX_VALUE;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray a = manager.randomNormal(new Shape(m, k)).toType(DataType.FLOAT32, false);
            NDArray b = manager.randomNormal(new Shape(k, n)).toType(DataType.FLOAT32, false);
            for (int round = 0; round < 4; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < iterations; i++) {
                    try (NDManager scope = manager.newSubManager()) {
                        scope.tempAttachAll(a, b);
                        NDArray c = a.matMul(b);
                        c.getFloat(0, 0); // CPU ops are synchronous; read one value so nothing is deferred
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (round > 0) {
                    best = Math.min(best, seconds);
                }
            }
        }
        return 2.0 * m * k * n * iterations / best / 1e9;
    }
}
