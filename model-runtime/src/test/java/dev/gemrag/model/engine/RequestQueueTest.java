package dev.gemrag.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.GenerationParams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RequestQueueTest {
    /** One request per batch, no waiting: each takeBatch shows one scheduling decision. */
    static final EngineOptions ONE_PER_BATCH =
            EngineOptions.defaults()
                    .withQueue(1000, EngineOptions.FullQueuePolicy.REJECT)
                    .withBatching(8192, 1, Duration.ZERO);

    /** Without the age rule: the batch-count share alone, whatever the machine's speed. */
    static RequestQueue queue() {
        return new RequestQueue(ONE_PER_BATCH, Long.MAX_VALUE);
    }

    static Request request(RequestKind kind, String text) {
        return request(kind, text, System.nanoTime());
    }

    static Request request(RequestKind kind, String text, long enqueuedNanos) {
        GenerationParams params = kind == RequestKind.GENERATE ? GenerationParams.greedy(4) : null;
        return new Request(kind, text, 1, params, new CompletableFuture<>(), enqueuedNanos);
    }

    @Test
    @org.junit.jupiter.api.Timeout(
            60) // a wrong batch cut would leave takeBatch waiting: fail instead
    void aDocumentOlderThanTheAgeBoundGoesNextOncePassedOver() throws Exception {
        RequestQueue q = new RequestQueue(ONE_PER_BATCH, Duration.ofSeconds(2).toNanos());
        long now = System.nanoTime();
        q.put(request(RequestKind.DOCUMENT, "old doc", now - Duration.ofSeconds(5).toNanos()));
        q.put(
                request(
                        RequestKind.QUERY,
                        "q1",
                        now)); // queries: one per batch here (generation batches hold 4)
        q.put(request(RequestKind.QUERY, "q2", now));
        q.put(request(RequestKind.QUERY, "q3", now));
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            served.add(q.takeBatch().get(0).text());
        }
        // priority once (the document is passed over), then its age puts it next, well before the
        // count would
        assertThat(served).containsExactly("q1", "old doc", "q2", "q3");
    }

    @Test
    void documentsKeepAShareWhileQuestionsKeepArriving() throws Exception {
        RequestQueue q = queue();
        for (int d = 0; d < 5; d++) {
            q.put(request(RequestKind.DOCUMENT, "doc" + d));
        }
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            q.put(
                    request(
                            i % 2 == 0 ? RequestKind.QUERY : RequestKind.GENERATE,
                            "question" + i)); // never empty
            served.add(q.takeBatch().get(0).text());
        }
        // strict priority would serve no document at all; the share serves one in every
        // STARVATION_LIMIT + 1
        List<Integer> documentTurns = new ArrayList<>();
        for (int i = 0; i < served.size(); i++) {
            if (served.get(i).startsWith("doc")) {
                documentTurns.add(i);
            }
        }
        int every = RequestQueue.STARVATION_LIMIT + 1;
        assertThat(documentTurns)
                .containsExactly(
                        every - 1, 2 * every - 1, 3 * every - 1, 4 * every - 1, 5 * every - 1);
        assertThat(served.stream().filter(s -> s.startsWith("doc")))
                .containsExactly("doc0", "doc1", "doc2", "doc3", "doc4");
    }

    @Test
    void withoutCompetitionPriorityAndOrderAreAsBefore() throws Exception {
        RequestQueue q = queue();
        q.put(request(RequestKind.DOCUMENT, "d1"));
        q.put(request(RequestKind.QUERY, "q1"));
        q.put(request(RequestKind.GENERATE, "g1"));
        q.put(request(RequestKind.QUERY, "q2"));
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            served.add(q.takeBatch().get(0).text());
        }
        assertThat(served).containsExactly("q1", "q2", "g1", "d1");
    }
}
