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
import dev.gemrag.model.llama.Scalars;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The query -> passage contrastive phase: each step's pairs, their BM25 hard negatives, and the
 * InfoNCE loss. Queries and passages are tokenized by {@link EmbeddingInput#of}, the runtime's own
 * embedding input (queries with the query instruction, passages with none), so training sees
 * exactly what {@code LanguageModel.embed(texts, role)} will.
 */
final class PairSteps implements AutoCloseable {
    private final TrainConfig config;
    private final TextTokenizer tokenizer;
    private final int vocab;
    private final TrainingPairs pairs;
    private final Bm25Negatives negatives;
    private final TruncationCounter truncations = new TruncationCounter(Long.MAX_VALUE);
    private final List<TeacherCache> teachers;

    /**
     * One step's inputs: B queries, then B positives followed by the hard negatives as documents,
     * with the pairs-file line of each (the teachers' cache keys) and the text a teacher embeds for
     * it (the query without the student's instruction; the document text the student embeds).
     */
    record Step(
            List<EmbeddingInput> queries,
            List<EmbeddingInput> documents,
            int[] queryLines,
            int[] documentLines,
            List<String> queryTexts,
            List<String> documentTexts) {
        long tokens() {
            return queries.stream().mapToInt(EmbeddingInput::length).sum()
                    + documents.stream().mapToInt(EmbeddingInput::length).sum();
        }
    }

    private PairSteps(
            TrainConfig config,
            TextTokenizer tokenizer,
            int vocab,
            TrainingPairs pairs,
            List<TeacherCache> teachers) {
        this.config = config;
        this.teachers = teachers;
        this.tokenizer = tokenizer;
        this.vocab = vocab;
        this.pairs = pairs;
        this.negatives =
                config.hardNegatives() == 0
                        ? null
                        : new Bm25Negatives(
                                pairs.all().stream().map(TrainingPairs.Pair::query).toList(),
                                pairs.all().stream().map(TrainingPairs.Pair::passage).toList());
    }

    static PairSteps load(TrainConfig config, TextTokenizer tokenizer, int vocab)
            throws IOException {
        TrainingPairs pairs = TrainingPairs.read(config.pairs(), config.seed());
        List<TeacherCache> teachers = new ArrayList<>();
        Distillation d = config.distillation();
        if (d.enabled()) {
            String sha = DataChecksum.sha256(config.pairs());
            for (String name : d.teachers()) {
                teachers.add(new TeacherCache(Teachers.create(name), d.cacheDir(), sha));
            }
        }
        return new PairSteps(config, tokenizer, vocab, pairs, teachers);
    }

    TrainingPairs pairs() {
        return pairs;
    }

    Step step(int step) {
        int[] idx = pairs.batch(step, config.batchSize());
        List<EmbeddingInput> q = new ArrayList<>();
        List<EmbeddingInput> d = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        for (int i : idx) {
            q.add(input(config.queryInstruction(), pairs.all().get(i).query()));
            d.add(document(documentText(pairs.all().get(i).passage())));
            lines.add(i);
        }
        if (negatives != null) {
            java.util.Set<Integer> inBatch = new java.util.HashSet<>();
            for (int i : idx) {
                inBatch.add(i);
            }
            for (int i : idx) {
                for (int n : negatives.forPair(i, config.hardNegatives())) {
                    if (!inBatch.contains(n)) { // already a document of this batch
                        d.add(document(documentText(pairs.all().get(n).passage())));
                        lines.add(n);
                    }
                }
            }
        }
        int[] queryLines = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            queryLines[i] = pairs.all().get(idx[i]).line();
        }
        return new Step(
                q,
                d,
                queryLines,
                lines.stream().mapToInt(i -> pairs.all().get(i).line()).toArray(),
                java.util.Arrays.stream(idx).mapToObj(i -> pairs.all().get(i).query()).toList(),
                lines.stream().map(i -> documentText(pairs.all().get(i).passage())).toList());
    }

    /** A passage as the pipeline embeds a chunk without a title (pairs carry none). */
    private static String documentText(String passage) {
        return dev.gemrag.model.gem.DocumentText.of(null, passage);
    }

    private EmbeddingInput document(String text) {
        return input("", text);
    }

    private EmbeddingInput input(String instruction, String text) {
        return EmbeddingInput.of(
                tokenizer, instruction, text, config.maxTokens(), config.k(), vocab, truncations);
    }

    /**
     * The step's losses: {@code total} to minimise, and its InfoNCE and KL parts (NaN when not
     * computed).
     */
    record Losses(NDArray total, double infoNce, double distill) {}

    Losses loss(LlamaModel model, NDManager m, GemParameters params, Step step) throws IOException {
        Distillation dist = config.distillation();
        // teachers first: their (cached) vectors are plain Java, outside what autograd records
        float[] targets = dist.enabled() ? teacherTargets(step) : null;
        NDArray q = embed(model, m, params, step.queries());
        NDArray d = embed(model, m, params, step.documents());
        NDArray scale = params.logitScale(m);
        if (targets == null) {
            NDArray nce = GemLosses.infoNce(q, d, scale);
            return new Losses(nce, nce.getFloat(), Double.NaN);
        }
        NDArray kl =
                GemLosses.distill(
                        q,
                        d,
                        scale,
                        m.create(
                                targets,
                                new Shape(step.queries().size(), step.documents().size())));
        if (dist.weight() >= 1f) {
            return new Losses(kl, Double.NaN, kl.getFloat());
        }
        NDArray nce = GemLosses.infoNce(q, d, scale);
        NDArray total =
                Scalars.times(nce, 1f - dist.weight()).add(Scalars.times(kl, dist.weight()));
        return new Losses(total, nce.getFloat(), kl.getFloat());
    }

    /**
     * The teachers' similarity distribution over this step's documents, each text embedded as the
     * student sees it.
     */
    private float[] teacherTargets(Step step) throws IOException {
        List<String> queryTexts = step.queryTexts();
        List<String> docTexts = step.documentTexts();
        List<float[][]> tq = new ArrayList<>();
        List<float[][]> td = new ArrayList<>();
        for (TeacherCache t : teachers) {
            tq.add(t.vectors(step.queryLines(), queryTexts, dev.gemrag.model.EmbedRole.QUERY));
            td.add(t.vectors(step.documentLines(), docTexts, dev.gemrag.model.EmbedRole.DOCUMENT));
        }
        return TeacherTargets.of(tq, td, config.distillation().temperature());
    }

    /** Teacher vectors computed (not read from a cache) in this run, per teacher. */
    String teacherSummary() {
        return teachers.stream()
                .map(t -> t.name() + " " + t.computed())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    @Override
    public void close() throws IOException {
        for (TeacherCache t : teachers) {
            t.close();
        }
    }

    /** Pooled (unnormalised) GEM embeddings {@code {B, H}}, differentiable w.r.t. the adapter. */
    private NDArray embed(
            LlamaModel model, NDManager m, GemParameters params, List<EmbeddingInput> inputs) {
        if (config.summaryOnly()) {
            List<int[]> texts =
                    inputs.stream()
                            .map(in -> java.util.Arrays.copyOf(in.ids(), in.layout().prefix()))
                            .toList();
            return SummaryPass.pooled(model, m, texts, config.k(), params.loraLinear(model));
        }
        List<GemLayout> layouts = inputs.stream().map(EmbeddingInput::layout).toList();
        GemBatch t = GemBatch.of(m, inputs.stream().map(EmbeddingInput::ids).toList(), layouts);
        NDArray hidden = model.forward(t.ids(), t.positions(), t.mask(), null);
        NDArray w =
                m.create(
                        PoolingWeights.of(layouts, t.length(), Pooling.GEM),
                        new Shape(layouts.size(), 1, t.length()));
        return w.matMul(hidden).squeeze(1);
    }
}
