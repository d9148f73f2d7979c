package dev.gemrag.connectors.milvus;

import dev.gemrag.connectors.records.Chunk;
import dev.gemrag.connectors.records.EmbeddedChunk;
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
    public static List<EmbeddedChunk> chunks(String docId, long version, List<String> texts, String[] acl,
            String modelId, int dim) {
        List<EmbeddedChunk> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            Chunk c = new Chunk(Chunk.chunkId(docId, i), docId, version, i, "title of " + docId, texts.get(i), acl,
                    "{\"source\":\"test\"}");
            out.add(new EmbeddedChunk(c, of(texts.get(i), dim), modelId));
        }
        return out;
    }
}
