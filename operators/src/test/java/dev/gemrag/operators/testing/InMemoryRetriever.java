package dev.gemrag.operators.testing;

import dev.gemrag.connectors.milvus.RetrievedChunk;
import dev.gemrag.operators.answer.Retriever;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Brute-force cosine search with the ACL rule the Milvus retriever applies (groups must intersect
 * acl).
 */
public final class InMemoryRetriever implements Retriever {
    public record Entry(RetrievedChunk chunk, float[] vector, List<String> acl) {}

    private final List<Entry> entries = new ArrayList<>();

    public void add(String docId, int index, String title, String text, List<String> acl) {
        float[] v = BagOfWordsModel.vector(title + "\n" + text);
        entries.add(
                new Entry(new RetrievedChunk(docId + "#" + index, docId, title, text, 0f), v, acl));
    }

    @Override
    public List<RetrievedChunk> search(float[] q, int topK, List<String> groups) {
        return entries.stream()
                .filter(e -> e.acl().stream().anyMatch(groups::contains))
                .map(
                        e -> {
                            float s = 0;
                            for (int i = 0; i < q.length; i++) {
                                s += q[i] * e.vector()[i];
                            }
                            RetrievedChunk c = e.chunk();
                            return new RetrievedChunk(
                                    c.chunkId(), c.docId(), c.title(), c.text(), s);
                        })
                .filter(c -> c.score() > 0)
                .sorted(Comparator.comparingDouble(RetrievedChunk::score).reversed())
                .limit(topK)
                .toList();
    }

    @Override
    public void close() {}
}
