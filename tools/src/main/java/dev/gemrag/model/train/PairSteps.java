package dev.gemrag.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.gemrag.model.Pooling;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.model.gem.EmbeddingInput;
import dev.gemrag.model.gem.GemBatch;
import dev.gemrag.model.gem.GemLayout;
import dev.gemrag.model.gem.PoolingWeights;
import dev.gemrag.model.gem.SummaryPass;
import dev.gemrag.model.gem.TruncationCounter;
import dev.gemrag.model.llama.LlamaModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The query -> passage contrastive phase: each step's pairs, their BM25 hard negatives, and the InfoNCE
 * loss. Queries and passages are tokenized by {@link EmbeddingInput#of}, the runtime's own embedding
 * input (queries with the query instruction, passages with none), so training sees exactly what
 * {@code LanguageModel.embed(texts, role)} will.
 */
final class PairSteps {
    private final TrainConfig config;
    private final TextTokenizer tokenizer;
    private final int vocab;
    private final TrainingPairs pairs;
    private final Bm25Negatives negatives;
    private final TruncationCounter truncations = new TruncationCounter(Long.MAX_VALUE);

    /** One step's inputs: B queries, then B positives followed by the hard negatives as documents. */
    record Step(List<EmbeddingInput> queries, List<EmbeddingInput> documents) {
        long tokens() {
            return queries.stream().mapToInt(EmbeddingInput::length).sum()
                    + documents.stream().mapToInt(EmbeddingInput::length).sum();
        }
    }

    private PairSteps(TrainConfig config, TextTokenizer tokenizer, int vocab, TrainingPairs pairs) {
        this.config = config;
        this.tokenizer = tokenizer;
        this.vocab = vocab;
        this.pairs = pairs;
        this.negatives = config.hardNegatives() == 0 ? null
                : new Bm25Negatives(pairs.all().stream().map(TrainingPairs.Pair::query).toList(),
                        pairs.all().stream().map(TrainingPairs.Pair::passage).toList());
    }

    static PairSteps load(TrainConfig config, TextTokenizer tokenizer, int vocab) throws IOException {
        return new PairSteps(config, tokenizer, vocab, TrainingPairs.read(config.pairs(), config.seed()));
    }

    TrainingPairs pairs() {
        return pairs;
    }

    Step step(int step) {
        int[] idx = pairs.batch(step, config.batchSize());
        List<EmbeddingInput> q = new ArrayList<>();
        List<EmbeddingInput> d = new ArrayList<>();
        for (int i : idx) {
            q.add(input(config.queryInstruction(), pairs.all().get(i).query()));
            d.add(document(pairs.all().get(i).passage()));
        }
        if (negatives != null) {
            java.util.Set<Integer> inBatch = new java.util.HashSet<>();
            for (int i : idx) {
                inBatch.add(i);
            }
            for (int i : idx) {
                for (int n : negatives.forPair(i, config.hardNegatives())) {
                    if (!inBatch.contains(n)) { // already a document of this batch
                        d.add(document(pairs.all().get(n).passage()));
                    }
                }
            }
        }
        return new Step(q, d);
    }

    /** A passage as the pipeline embeds a chunk without a title (pairs carry none). */
    private EmbeddingInput document(String passage) {
        return input("", dev.gemrag.model.gem.DocumentText.of(null, passage));
    }

    private EmbeddingInput input(String instruction, String text) {
        return EmbeddingInput.of(tokenizer, instruction, text, config.maxTokens(), config.k(), vocab, truncations);
    }

    NDArray loss(LlamaModel model, NDManager m, GemParameters params, Step step) {
        NDArray q = embed(model, m, params, step.queries());
        NDArray d = embed(model, m, params, step.documents());
        return GemLosses.infoNce(q, d, params.logitScale(m));
    }

    /** Pooled (unnormalised) GEM embeddings {@code {B, H}}, differentiable w.r.t. the adapter. */
    private NDArray embed(LlamaModel model, NDManager m, GemParameters params, List<EmbeddingInput> inputs) {
        if (config.summaryOnly()) {
            List<int[]> texts = inputs.stream().map(in -> java.util.Arrays.copyOf(in.ids(), in.layout().prefix())).toList();
            return SummaryPass.pooled(model, m, texts, config.k(), params.loraLinear(model));
        }
        List<GemLayout> layouts = inputs.stream().map(EmbeddingInput::layout).toList();
        GemBatch t = GemBatch.of(m, inputs.stream().map(EmbeddingInput::ids).toList(), layouts);
        NDArray hidden = model.forward(t.ids(), t.positions(), t.mask(), null);
        NDArray w = m.create(PoolingWeights.of(layouts, t.length(), Pooling.GEM), new Shape(layouts.size(), 1, t.length()));
        return w.matMul(hidden).squeeze(1);
    }
}
