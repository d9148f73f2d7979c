package dev.gemrag.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.LlamaConfig;
import dev.gemrag.model.RopeLayout;
import org.junit.jupiter.api.Test;

/** FLOP counts for SmolLM2-135M's shape, against hand-computed values. */
class ModelFlopsTest {
    private static final LlamaConfig SMOLLM2 =
            new LlamaConfig(
                    "llama",
                    49152,
                    576,
                    1536,
                    30,
                    9,
                    3,
                    64,
                    1e-5f,
                    100000f,
                    8192,
                    true,
                    false,
                    RopeLayout.INTERLEAVED);

    @Test
    void linearWeightsOfAllBlocks() {
        // per block: q 576x576 + k,v 2 x 576x192 + o 576x576 + gate/up/down 3 x 576x1536 =
        // 3,538,944
        assertThat(new ModelFlops(SMOLLM2).linearParams()).isEqualTo(30L * 3_538_944L);
    }

    @Test
    void prefillCountsLinearAttentionAndOneHeadRow() {
        ModelFlops f = new ModelFlops(SMOLLM2);
        double linear = 2.0 * 106_168_320L * 512;
        double attention =
                4.0 * 512 * 512 * 576
                        * 30; // QK^T and AV over the full 512x512 scores, 9 heads x 64
        double head = 2.0 * 576 * 49152;
        assertThat(f.prefill(512)).isEqualTo(linear + attention + head);
    }
}
