package dev.gemrag.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.TinyLlama;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The trainer's guard against non-finite gradients: detection and zeroing (NaN * 0 would stay NaN).
 */
class GemParametersTest {
    @Test
    void detectsAndClearsANonFiniteGradient() {
        LlamaConfig c = TinyLlama.config(RopeLayout.INTERLEAVED, true);
        LlamaWeights w = TinyLlama.weights(c, 2);
        try (LlamaModel model = LlamaModel.create(c, w);
                GemParameters p = new GemParameters(model, w, 1, 2, 4f, List.of("wq"), 1);
                NDManager m = model.newManager()) {
            NDArray summary = p.all().get(dev.gemrag.model.gem.GemAdapter.SUMMARY);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray all = m.zeros(new ai.djl.ndarray.types.Shape(1));
                for (NDArray a : p.all().values()) {
                    NDArray s = a.sum();
                    s.attach(m);
                    all = all.add(s);
                }
                gc.backward(
                        all.add(
                                summary.sqrt()
                                        .sum())); // sqrt of negatives: NaN gradient on the summary
                // rows
            }
            assertThat(p.gradientsFinite()).isFalse();
            p.zeroGradients();
            assertThat(p.gradientsFinite()).isTrue();
            try (NDArray g = summary.getGradient()) {
                assertThat(g.abs().sum().getFloat()).isZero();
            }
            // the zeroed gradients must stay in memory PyTorch owns: DJL's set(float[]) re-points a
            // tensor at a
            // Java direct buffer that the closed gradient handle no longer keeps alive (once freed
            // and reused,
            // the next backward wrote into foreign memory: non-finite gradients, then a crash in
            // libc).
            // Free that memory and fill what malloc hands out next with ones: the gradients must
            // not change.
            List<java.nio.ByteBuffer> filler = new java.util.ArrayList<>();
            for (int round = 0; round < 20; round++) {
                System.gc();
                for (NDArray a : p.all().values()) {
                    java.nio.ByteBuffer b =
                            java.nio.ByteBuffer.allocateDirect(Math.toIntExact(a.size() * 4))
                                    .order(java.nio.ByteOrder.nativeOrder());
                    while (b.hasRemaining()) {
                        b.putFloat(1f);
                    }
                    filler.add(b);
                }
            }
            for (var e : p.all().entrySet()) {
                try (NDArray g = e.getValue().getGradient()) {
                    assertThat(g.abs().sum().getFloat())
                            .as(e.getKey() + " gradient after zeroing")
                            .isZero();
                }
            }
            assertThat(filler).isNotEmpty();
        }
    }
}
