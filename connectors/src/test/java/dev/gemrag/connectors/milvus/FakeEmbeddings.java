package dev.gemrag.connectors.milvus;

import dev.gemrag.connectors.records.Chunk;
import dev.gemrag.connectors.records.IndexAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic unit vectors seeded by a text's hash: the sink is under test, not the model. */
public final class FakeEmbeddings {
    private FakeEmbeddings() {}

    public static float[] of(String text, int dim) {
        Random r = new Random(text.hashCode() * 31L + dim);
        float[] v = new float[dim];
        double norm = 0;
        for (int i = 0; i < dim; i++) {
            v[i] = (float) r.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < dim; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    /** Chunks of one document version, embedded with fake vectors. */
    public static List<Chunk> chunks(
            String docId, long version, List<String> texts, String[] acl, int dim) {
        List<Chunk> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            out.add(
                    new Chunk(
                            Chunk.chunkId(docId, i),
                            docId,
                            version,
                            i,
                            "title of " + docId,
                            texts.get(i),
                            acl,
                            "{\"source\":\"test\"}",
                            of(texts.get(i), dim)));
        }
        return out;
    }

    /**
     * One document version's upsert, its chunks embedded with fake vectors "by" {@code modelId}.
     */
    public static IndexAction action(
            String docId, long version, List<String> texts, String[] acl, String modelId, int dim) {
        return IndexAction.upsert(docId, version, modelId, chunks(docId, version, texts, acl, dim));
    }
}
