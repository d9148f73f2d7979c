package dev.gemrag.connectors.milvus;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads a whole (small) collection back, to compare with the state a test expects. */
public final class CollectionContents {
    private CollectionContents() {}

    public record Row(
            String chunkId,
            String docId,
            long docVersion,
            int chunkIndex,
            String text,
            List<String> acl) {}

    /**
     * Every row (a list, so duplicates would show); test collections stay far below Milvus' query
     * limit.
     */
    public static List<Row> rows(MilvusClientV2 client, String collection) {
        // a restarted Milvus Lite comes back with its collections released
        client.loadCollection(
                LoadCollectionReq.builder().collectionName(collection).sync(false).build());
        QueryResp resp =
                client.query(
                        QueryReq.builder()
                                .collectionName(collection)
                                .filter("chunk_id != \"\"")
                                .outputFields(
                                        List.of(
                                                "chunk_id",
                                                "doc_id",
                                                "doc_version",
                                                "chunk_index",
                                                "text",
                                                "acl"))
                                .limit(16384)
                                .build());
        if (resp.getQueryResults().size() >= 16384) {
            throw new IllegalStateException("collection too large to read back in one query");
        }
        List<Row> out = new ArrayList<>();
        for (QueryResp.QueryResult r : resp.getQueryResults()) {
            Map<String, Object> e = r.getEntity();
            @SuppressWarnings("unchecked")
            List<String> acl = (List<String>) e.get("acl");
            out.add(
                    new Row(
                            (String) e.get("chunk_id"),
                            (String) e.get("doc_id"),
                            ((Number) e.get("doc_version")).longValue(),
                            ((Number) e.get("chunk_index")).intValue(),
                            (String) e.get("text"),
                            acl));
        }
        return out;
    }

    /** doc id -> its rows sorted by chunk index. */
    public static Map<String, List<Row>> byDoc(List<Row> rows) {
        Map<String, List<Row>> m = new TreeMap<>();
        for (Row r : rows) {
            m.computeIfAbsent(r.docId(), k -> new ArrayList<>()).add(r);
        }
        m.values().forEach(l -> l.sort(java.util.Comparator.comparingInt(Row::chunkIndex)));
        return m;
    }
}
