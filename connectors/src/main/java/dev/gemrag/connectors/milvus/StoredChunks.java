package dev.gemrag.connectors.milvus;

import static dev.gemrag.connectors.milvus.ChunkFields.CHUNK_ID;
import static dev.gemrag.connectors.milvus.ChunkFields.CHUNK_INDEX;
import static dev.gemrag.connectors.milvus.ChunkFields.DOC_ID;
import static dev.gemrag.connectors.milvus.ChunkFields.DOC_VERSION;

import dev.gemrag.annotations.PublicApi;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A read-only look at what the sink has written to a collection (or the alias naming it), with
 * strong consistency: chunk and document counts, the chunks of one document. The demo, the soak and
 * the evaluations wait on it, and the integration tests use it as their oracle; the job never does
 * (it lives here, beside the sink, so that tools and every module's tests share one copy).
 */
@PublicApi
public final class StoredChunks implements AutoCloseable {
    /** One stored chunk's identity. */
    public record StoredChunk(String chunkId, long docVersion, int chunkIndex) {}

    private final MilvusClientV2 client;
    private final String alias;

    public StoredChunks(String uri, String alias) {
        this.client = MilvusConnection.of(uri).connect();
        this.alias = alias;
    }

    public long chunks() {
        return count("");
    }

    /** Documents with at least one chunk (each has a chunk 0). */
    public long documents() {
        return count(CHUNK_INDEX + " == 0");
    }

    /**
     * The chunks stored for a document id, in chunk order; the id is put in a filter expression, so
     * it must be plain (letters, digits, '.', '-', '_').
     */
    public List<StoredChunk> chunksOf(String docId) {
        if (!docId.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("document id with unexpected characters: " + docId);
        }
        QueryResp r =
                client.query(
                        QueryReq.builder()
                                .collectionName(alias)
                                .filter(DOC_ID + " == \"" + docId + "\"")
                                .outputFields(List.of(CHUNK_ID, DOC_VERSION, CHUNK_INDEX))
                                .consistencyLevel(ConsistencyLevel.STRONG)
                                .build());
        List<StoredChunk> out = new ArrayList<>();
        for (QueryResp.QueryResult q : r.getQueryResults()) {
            Map<String, Object> e = q.getEntity();
            out.add(
                    new StoredChunk(
                            String.valueOf(e.get(CHUNK_ID)),
                            ((Number) e.get(DOC_VERSION)).longValue(),
                            ((Number) e.get(CHUNK_INDEX)).intValue()));
        }
        out.sort(Comparator.comparingInt(StoredChunk::chunkIndex));
        return out;
    }

    private long count(String filter) {
        QueryResp r =
                client.query(
                        QueryReq.builder()
                                .collectionName(alias)
                                .filter(filter)
                                .outputFields(List.of("count(*)"))
                                .consistencyLevel(ConsistencyLevel.STRONG)
                                .build());
        return ((Number) r.getQueryResults().get(0).getEntity().get("count(*)")).longValue();
    }

    @Override
    public void close() {
        client.close();
    }
}
