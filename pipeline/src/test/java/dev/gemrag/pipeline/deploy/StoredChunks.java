package dev.gemrag.pipeline.deploy;

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
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What the job has written to Milvus, read straight from the collection (strong consistency): the
 * cluster IT's oracle. The demo's IndexStatus is a tool (tools module), which this module's tests
 * cannot reach.
 */
final class StoredChunks implements AutoCloseable {
    /** One stored chunk's identity. */
    record StoredChunk(String chunkId, long docVersion, int chunkIndex) {}

    private final MilvusClientV2 client;
    private final String alias;

    StoredChunks(String uri, String alias) {
        this.client = MilvusConnection.of(uri).connect();
        this.alias = alias;
    }

    long chunks() {
        return count("");
    }

    /** Documents with at least one chunk (each has a chunk 0). */
    long documents() {
        return count(CHUNK_INDEX + " == 0");
    }

    /** The chunks of one document (the IT's ids are plain: d0, d1, ...), in chunk order. */
    List<StoredChunk> chunksOf(String docId) {
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
