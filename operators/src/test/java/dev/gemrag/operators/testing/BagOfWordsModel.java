package dev.gemrag.operators.testing;

import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.TextTokenizer;
import dev.gemrag.operators.chunk.WhitespaceTokenizer;
import dev.gemrag.operators.model.ModelClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A small real model for operator unit tests: hashed bag-of-words embeddings (so texts sharing
 * words are close) and a "generator" that answers with the first source line of the prompt.
 */
public final class BagOfWordsModel implements ModelClient {
    public static final int DIM = 256;
    public final AtomicInteger embedCalls = new AtomicInteger();

    /** Calls of {@link #embedTokens} (embedding by ids; {@link #embedCalls} counts by text). */
    public final AtomicInteger embedTokenCalls = new AtomicInteger();

    /** Texts tokenised: through {@link #tokenizer()} or {@link #embeddingTokens}. */
    public final AtomicInteger tokenisations = new AtomicInteger();

    public final AtomicInteger generateCalls = new AtomicInteger();
    public final List<String> prompts = new ArrayList<>();

    /** The contexts of every {@link #score} call, in order. */
    public final List<List<String>> scored = new ArrayList<>();

    /**
     * What {@link #score} gives a context (and the continuation): by default the share of the
     * continuation's words that occur in the context, a bag-of-words likelihood; tests may set
     * another.
     */
    /** When set, writes every completion (prompt and params in); null = "From [1] ..." replies. */
    public volatile java.util.function.BiFunction<String, GenerationParams, GenerationResult>
            replies;

    public volatile java.util.function.ToDoubleBiFunction<String, String> scorer =
            BagOfWordsModel::sharedWords;

    private final WhitespaceTokenizer words = new WhitespaceTokenizer();
    private final TextTokenizer tokenizer =
            new TextTokenizer() {
                @Override
                public int[] encode(String text) {
                    tokenisations.incrementAndGet();
                    return words.encode(text);
                }

                @Override
                public String decode(int[] ids) {
                    return words.decode(ids);
                }
            };

    @Override
    public String modelId() {
        return "bag-of-words-" + DIM;
    }

    @Override
    public int embeddingDimension() {
        return DIM;
    }

    @Override
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public String applyChatTemplate(List<ChatMessage> messages) {
        return messages.stream()
                        .map(m -> "<" + m.role() + ">\n" + m.content())
                        .collect(Collectors.joining("\n"))
                + "\n<assistant>\n";
    }

    public static float[] vector(String text) {
        float[] v = new float[DIM];
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (!w.isEmpty()) {
                v[Math.floorMod(w.hashCode(), DIM)] += 1;
            }
        }
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        n = Math.sqrt(n);
        for (int i = 0; i < DIM; i++) {
            v[i] = n == 0 ? 0 : (float) (v[i] / n);
        }
        return v;
    }

    @Override
    public CompletableFuture<List<float[]>> embed(List<String> texts, EmbedRole role) {
        embedCalls.incrementAndGet();
        return CompletableFuture.supplyAsync(
                () -> texts.stream().map(BagOfWordsModel::vector).toList());
    }

    /** When set, {@link #embeddingTokens} refuses, as a model that embeds texts only does. */
    public volatile boolean textsOnly;

    /** One id per word: the embedding of the ids is {@link #vector} of the words. */
    @Override
    public int[] embeddingTokens(String text, EmbedRole role) {
        if (textsOnly) {
            throw new UnsupportedOperationException("model " + modelId() + " embeds texts only");
        }
        return tokenizer.encode(text);
    }

    /** What {@link #embeddingSummaryTokens} says (0: none, like mean pooling). */
    public volatile int summaryTokens;

    @Override
    public int embeddingSummaryTokens() {
        return summaryTokens;
    }

    @Override
    public CompletableFuture<List<float[]>> embedTokens(List<int[]> tokens, EmbedRole role) {
        embedTokenCalls.incrementAndGet();
        return CompletableFuture.supplyAsync(
                () -> tokens.stream().map(ids -> vector(words.decode(ids))).toList());
    }

    @Override
    public CompletableFuture<GenerationResult> generate(String prompt, GenerationParams params) {
        generateCalls.incrementAndGet();
        synchronized (prompts) {
            prompts.add(prompt);
        }
        java.util.function.BiFunction<String, GenerationParams, GenerationResult> r = replies;
        if (r != null) {
            return CompletableFuture.supplyAsync(() -> r.apply(prompt, params));
        }
        String firstSource =
                prompt.lines().filter(l -> l.startsWith("[1]")).findFirst().orElse("nothing");
        return CompletableFuture.supplyAsync(
                () ->
                        new GenerationResult(
                                "From "
                                        + firstSource.substring(
                                                0, Math.min(40, firstSource.length()))
                                        + " [1]",
                                List.of(1, 2, 3),
                                tokenizer.count(prompt),
                                "stop",
                                1,
                                1));
    }

    @Override
    public CompletableFuture<double[]> score(List<String> contexts, String continuation) {
        synchronized (scored) {
            scored.add(List.copyOf(contexts));
        }
        return CompletableFuture.supplyAsync(
                () ->
                        contexts.stream()
                                .mapToDouble(c -> scorer.applyAsDouble(c, continuation))
                                .toArray());
    }

    static double sharedWords(String context, String continuation) {
        java.util.Set<String> seen =
                java.util.Set.of(context.toLowerCase(Locale.ROOT).split("[^a-z0-9]+"));
        String[] words = continuation.toLowerCase(Locale.ROOT).strip().split("[^a-z0-9]+");
        return java.util.Arrays.stream(words).filter(seen::contains).count()
                / (double) words.length;
    }

    @Override
    public AutoCloseable addListener(dev.gemrag.model.engine.EngineListener listener) {
        return () -> {};
    }

    @Override
    public int queueDepth() {
        return 0;
    }

    @Override
    public void close() {}
}
