package dev.gemrag.model.train;

import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.gem.AdapterDescriptor;
import dev.gemrag.model.gem.GemAdapter;
import dev.gemrag.model.llama.LlamaModel;
import java.util.List;

/**
 * The untrained adapter a run starts from (k 1, rank 4, alpha 8), under a trained one's descriptor.
 */
final class FreshAdapter {
    private FreshAdapter() {}

    static GemAdapter of(
            Checkpoint base, AdapterDescriptor descriptor, List<String> targets, long seed) {
        try (LlamaModel scratch = LlamaModel.create(base.config(), base.weights());
                GemParameters p =
                        new GemParameters(
                                scratch,
                                base.weights(),
                                1,
                                4,
                                8f,
                                targets,
                                seed,
                                GemParameters.INITIAL_LOG_SCALE)) {
            return new GemAdapter(descriptor, p.adapterTensors());
        }
    }
}
