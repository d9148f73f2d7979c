package dev.gemrag.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.LlamaWeights;
import dev.gemrag.model.RopeLayout;
import dev.gemrag.model.gem.SummaryPass;
import dev.gemrag.model.llama.LlamaModel;
import dev.gemrag.model.llama.TinyLlama;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The trainer's guard against non-finite gradients (detection and zeroing: NaN * 0 would stay NaN),
 * and gradients that do not depend on when the garbage collector runs.
 */
class GemParametersTest {
    @Test
    void detectsAndClearsANonFiniteGradient() {
        LlamaConfig c = TinyLlama.config(RopeLayout.INTERLEAVED, true);
        LlamaWeights w = TinyLlama.weights(c, 2);
        try (LlamaModel model = LlamaModel.create(c, w);
                GemParameters p =
                        new GemParameters(
                                model,
                                w,
                                1,
                                2,
                                4f,
                                List.of("wq"),
                                1,
                                GemParameters.INITIAL_LOG_SCALE);
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

    /**
     * A LoRA's gradients must not depend on a garbage collection between the forward and the
     * backward pass. DJL's {@code mul(float)} gave autograd a constant over a Java direct buffer
     * that nothing referenced once the product was computed: a collection freed it, malloc wrote
     * its free-list pointer there, and the backward multiplied the LoRA branch's gradient by that
     * (the trainer's non-finite gradients on a finite loss, and garbage when they were finite).
     * Collect between the two passes and compare with a backward that follows its forward at once.
     */
    @Test
    void loraGradientsDoNotDependOnAGarbageCollectionBeforeTheBackwardPass() throws Exception {
        LlamaConfig c = TinyLlama.config(RopeLayout.INTERLEAVED, true);
        LlamaWeights w = TinyLlama.weights(c, 3);
        try (LlamaModel model = LlamaModel.create(c, w);
                GemParameters p =
                        new GemParameters(
                                model,
                                w,
                                1,
                                2,
                                4f,
                                List.of("wq", "wv", "w2"),
                                1,
                                GemParameters.INITIAL_LOG_SCALE)) {
            p.install(model, true);
            // B starts at zero, which leaves A without a gradient: give every factor one
            p.all()
                    .forEach(
                            (name, a) -> {
                                if (name.endsWith(".lora_b")) {
                                    a.addi(0.05f);
                                }
                            });
            Map<String, float[]> plain = gradients(model, p, false);
            Map<String, float[]> collected = gradients(model, p, true);
            assertThat(plain.get("layers.1.w2.lora_a")).as("a LoRA gradient").isNotEmpty();
            for (String name : plain.keySet()) {
                float[] expected = plain.get(name);
                float largest = 0;
                for (float g : expected) {
                    largest = Math.max(largest, Math.abs(g));
                }
                assertThat(collected.get(name))
                        .as(name + " gradient with a garbage collection before the backward pass")
                        .containsExactly(expected, within(1e-5f * Math.max(largest, 1e-3f)));
            }
        }
    }

    /** Gradients of every parameter for the summary pass of two texts, then zeroed. */
    private static Map<String, float[]> gradients(
            LlamaModel model, GemParameters p, boolean collectBeforeBackward) throws Exception {
        try (NDManager m = model.newManager()) {
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray pooled =
                        SummaryPass.pooled(
                                model,
                                m,
                                List.of(new int[] {5, 6, 7, 8}, new int[] {9, 10, 11}),
                                1,
                                p.loraLinear(model));
                NDArray loss = pooled.square().sum();
                if (collectBeforeBackward) {
                    freeUnreachableDirectBuffers();
                }
                gc.backward(loss);
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            for (var e : p.all().entrySet()) {
                try (NDArray g = e.getValue().getGradient()) {
                    out.put(e.getKey(), g.toFloatArray());
                }
            }
            p.zeroGradients();
            return out;
        }
    }

    /**
     * Collects until the JVM frees no more direct buffers (their memory goes back to malloc): at
     * least three rounds, as the cleaner frees them a little after each collection.
     */
    private static void freeUnreachableDirectBuffers() throws InterruptedException {
        BufferPoolMXBean direct =
                ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                        .filter(b -> b.getName().equals("direct"))
                        .findFirst()
                        .orElseThrow();
        long before = Long.MAX_VALUE;
        for (int round = 0; round < 50 && (round < 3 || direct.getCount() < before); round++) {
            before = direct.getCount();
            System.gc();
            Thread.sleep(20);
        }
    }
}
