package dev.gemrag.model.engine;

import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.LanguageModel;
import dev.gemrag.model.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A scripted model for the engine's unit tests: deterministic vectors from the text, can hold the
 * worker on a latch ("hold" texts) and fail batches that contain "poison". Records calls.
 */
final class FakeModel implements LanguageModel {
    final List<List<String>> batches = new CopyOnWriteArrayList<>();
    final Set<Thread> callerThreads = ConcurrentHashMap.newKeySet();
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch holding = new CountDownLatch(1);
    volatile boolean closed;

    /** Texts tokenised so far: by the tokenizer or {@link #embeddingTokens}. */
    final java.util.concurrent.atomic.AtomicInteger encodes =
            new java.util.concurrent.atomic.AtomicInteger();

    static float[] vector(String text, EmbedRole role) {
        int h = text.hashCode();
        return new float[] {h & 0xff, (h >> 8) & 0xff, role.ordinal(), text.length()};
    }

    @Override
    public String id() {
        return "fake";
    }

    @Override
    public int embeddingDimension() {
        return 4;
    }

    @Override
    public TextTokenizer tokenizer() {
        return new TextTokenizer() {
            @Override
            public int[] encode(String text) {
                encodes.incrementAndGet();
                return text.isEmpty()
                        ? new int[0]
                        : text.split(" ").length == 0
                                ? new int[0]
                                : new int[text.split(" ").length];
            }

            @Override
            public String decode(int[] ids) {
                return "";
            }
        };
    }

    @Override
    public String applyChatTemplate(List<ChatMessage> messages) {
        return messages.toString();
    }

    @Override
    public List<float[]> embed(List<String> texts, EmbedRole role) {
        callerThreads.add(Thread.currentThread());
        batches.add(List.copyOf(texts));
        if (texts.stream().anyMatch(t -> t.startsWith("hold"))) {
            holding.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (texts.stream().anyMatch(t -> t.contains("poison"))) {
            throw new IllegalStateException("poisoned batch");
        }
        List<float[]> out = new ArrayList<>();
        texts.forEach(t -> out.add(vector(t, role)));
        return out;
    }

    /** One id per char: reversible, so {@link #embedTokens} can give the text's vector. */
    @Override
    public int[] embeddingTokens(String text, EmbedRole role) {
        encodes.incrementAndGet();
        return text.chars().toArray();
    }

    @Override
    public List<float[]> embedTokens(List<int[]> tokens, EmbedRole role) {
        return embed(tokens.stream().map(ids -> new String(ids, 0, ids.length)).toList(), role);
    }

    @Override
    public List<GenerationResult> generate(List<String> prompts, GenerationParams params) {
        callerThreads.add(Thread.currentThread());
        batches.add(List.copyOf(prompts));
        return prompts.stream()
                .map(p -> new GenerationResult("echo:" + p, List.of(), 1, "stop", 0, 0))
                .toList();
    }

    /**
     * Scores a context by its length in characters minus the continuation's (a plain, checkable
     * number).
     */
    @Override
    public double[] continuationLogProb(List<String> contexts, String continuation) {
        callerThreads.add(Thread.currentThread());
        return contexts.stream().mapToDouble(c -> c.length() - continuation.length()).toArray();
    }

    @Override
    public void close() {
        closed = true;
    }
}
