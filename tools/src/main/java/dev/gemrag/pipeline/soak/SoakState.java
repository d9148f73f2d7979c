package dev.gemrag.pipeline.soak;

import dev.gemrag.connectors.milvus.StoredChunks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What Milvus must hold after a soak: the last event of every document (its version, i.e. its Kafka
 * offset, or nothing after a delete), and the check of that against the index.
 */
public final class SoakState {
    /** doc id -> version of its last upsert, or -1 when its last event was a delete. */
    private final Map<String, Long> last = new TreeMap<>();

    public void upserted(String id, long version) {
        last.put(id, version);
    }

    public void deleted(String id) {
        last.put(id, -1L);
    }

    public List<String> ids() {
        return new ArrayList<>(last.keySet());
    }

    public boolean isLive(String id) {
        Long v = last.get(id);
        return v != null && v >= 0;
    }

    public long version(String id) {
        return last.getOrDefault(id, -1L);
    }

    public long liveDocuments() {
        return last.values().stream().filter(v -> v >= 0).count();
    }

    /**
     * Whether a document's stored chunks are exactly its last event's: one version, indexes 0..n-1,
     * ids unique.
     */
    public String problem(String id, List<StoredChunks.StoredChunk> stored) {
        long want = version(id);
        if (want < 0) {
            return stored.isEmpty()
                    ? null
                    : id + ": deleted, but " + stored.size() + " chunks are still stored";
        }
        if (stored.isEmpty()) {
            return id + ": version " + want + " has no chunk in Milvus (lost)";
        }
        for (int i = 0; i < stored.size(); i++) {
            StoredChunks.StoredChunk c = stored.get(i);
            if (c.docVersion() != want) {
                return id
                        + ": chunk "
                        + c.chunkId()
                        + " holds version "
                        + c.docVersion()
                        + ", last event is "
                        + want
                        + " (stale)";
            }
            if (c.chunkIndex() != i || !c.chunkId().equals(id + "#" + i)) {
                return id
                        + ": chunk "
                        + i
                        + " is "
                        + c.chunkId()
                        + " (index "
                        + c.chunkIndex()
                        + "): duplicate or missing chunk";
            }
        }
        return null;
    }
}
