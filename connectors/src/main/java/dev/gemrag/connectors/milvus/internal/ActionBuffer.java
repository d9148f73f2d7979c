package dev.gemrag.connectors.milvus.internal;

import dev.gemrag.connectors.records.IndexAction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Actions waiting for the next flush, collapsed to the last one per document. That is the same
 * final state as applying them in order (an upsert leaves exactly its own chunks, a delete leaves
 * none, whatever came before) with fewer writes.
 */
final class ActionBuffer {
    record Pending(IndexAction action, List<ChunkRowMapper.Row> rows) {}

    private final LinkedHashMap<String, Pending> byDoc = new LinkedHashMap<>();
    private int rows;
    private long collapsed;

    void add(IndexAction action, List<ChunkRowMapper.Row> mapped) {
        Pending old =
                byDoc.remove(
                        action.docId); // remove + put: the doc moves to the end, arrival order kept
        if (old != null) {
            rows -= old.rows.size();
            collapsed++;
        }
        byDoc.put(action.docId, new Pending(action, mapped));
        rows += mapped.size();
    }

    boolean isEmpty() {
        return byDoc.isEmpty();
    }

    int rowCount() {
        return rows;
    }

    int actionCount() {
        return byDoc.size();
    }

    long collapsed() {
        return collapsed;
    }

    List<Pending> drain() {
        List<Pending> out = new ArrayList<>(byDoc.values());
        byDoc.clear();
        rows = 0;
        return out;
    }
}
