package dev.gemrag.pipeline.demo;

import static dev.gemrag.connectors.milvus.ChunkFields.CHUNK_ID;
import static dev.gemrag.connectors.milvus.ChunkFields.CHUNK_INDEX;
import static dev.gemrag.connectors.milvus.ChunkFields.DOC_ID;
import static dev.gemrag.connectors.milvus.ChunkFields.DOC_VERSION;

import dev.gemrag.connectors.milvus.MilvusConnection;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Read-only look at what the sink has written: chunk and document counts, the chunks of one
 * document.
 */
public final class IndexStatus implements AutoCloseable {
    private final MilvusClientV2 client;
    private final String alias;

    public IndexStatus(String uri, String alias) {
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

    private long count(String filter) {
        QueryResp r =
                client.query(
                        QueryReq.builder()
                                .collectionName(alias)
                                .filter(filter)
                                .outputFields(List.of("count(*)"))
                                .consistencyLevel(ConsistencyLevel.STRONG)
                                .build());
        Object n = r.getQueryResults().get(0).getEntity().get("count(*)");
        return ((Number) n).longValue();
    }

    /** One stored chunk's identity. */
    public record StoredChunk(String chunkId, long docVersion, int chunkIndex) {}

    /** The chunks stored for a document id (a plain id: letters, digits, '.', '-', '_'). */
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
        out.sort(java.util.Comparator.comparingInt(StoredChunk::chunkIndex));
        return out;
    }

    @Override
    public void close() {
        client.close();
    }
}
