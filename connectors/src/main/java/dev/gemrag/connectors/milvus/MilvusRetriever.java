package dev.gemrag.connectors.milvus;

import static dev.gemrag.connectors.milvus.ChunkFields.CHUNK_ID;
import static dev.gemrag.connectors.milvus.ChunkFields.DOC_ID;
import static dev.gemrag.connectors.milvus.ChunkFields.EMBEDDING;
import static dev.gemrag.connectors.milvus.ChunkFields.TEXT;
import static dev.gemrag.connectors.milvus.ChunkFields.TITLE;

import dev.gemrag.annotations.PublicApi;
import dev.gemrag.connectors.milvus.internal.AclGroups;
import dev.gemrag.connectors.milvus.internal.BoundedRetry;
import dev.gemrag.connectors.milvus.internal.FilterExpressions;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.exception.MilvusClientException;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Top-k search over the chunk collection behind the alias, restricted to chunks the question may
 * read: its groups must intersect the chunk's acl ({@code ARRAY_CONTAINS_ANY}); chunks without acl
 * follow {@link EmptyAclPolicy}. Group names are validated and every one becomes a single escaped
 * string literal, so no group can widen the filter.
 *
 * <p>Serializable and unconnected when built: call {@link #open()} (e.g. in a Flink function's
 * open()), then {@link #search}; {@link #close()} releases the client. Thread-safe once open.
 *
 * <pre>{@code
 * MilvusRetriever retriever = MilvusRetriever.builder()
 *         .setConnection(MilvusConnection.fromConfig(conf))
 *         .setModelId(model.id())                       // refuses a collection of another model
 *         .configure(conf)                              // milvus.alias, milvus.acl.*, milvus.search.*
 *         .build();
 * retriever.open();
 * List<RetrievedChunk> hits = retriever.search(queryVector, List.of("staff"), 4);
 * }</pre>
 */
@PublicApi
public final class MilvusRetriever implements AutoCloseable, Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MilvusRetriever.class);
    /** The question contract's limit ({@link dev.gemrag.connectors.records.json.RecordLimits#MAX_TOP_K}). */
    public static final int MAX_TOP_K = dev.gemrag.connectors.records.json.RecordLimits.MAX_TOP_K;

    private final MilvusConnection connection;
    private final String alias;
    private final String modelId;
    private final EmptyAclPolicy emptyAcl;
    private final int maxGroups;
    private final int groupMaxLength;
    private final int searchEf;
    /** When set, open() creates the collection and alias if missing (query job started before indexing). */
    private final CollectionSpec createIfMissing;

    private transient MilvusClientV2 client;
    private transient CollectionManager.StoredCollection target;

    MilvusRetriever(MilvusConnection connection, String alias, String modelId, EmptyAclPolicy emptyAcl, int maxGroups,
            int groupMaxLength, int searchEf, CollectionSpec createIfMissing) {
        this.createIfMissing = createIfMissing;
        this.connection = connection;
        this.alias = alias;
        this.modelId = modelId;
        this.emptyAcl = emptyAcl;
        this.maxGroups = maxGroups;
        this.groupMaxLength = groupMaxLength;
        this.searchEf = searchEf;
    }

    public static MilvusRetrieverBuilder builder() {
        return new MilvusRetrieverBuilder();
    }

    /** Connects and checks that the alias' collection holds vectors of the expected model. */
    public synchronized void open() {
        if (client != null) {
            return;
        }
        MilvusClientV2 c = connection.connect();
        try {
            CollectionManager manager = new CollectionManager(c);
            if (createIfMissing != null) {
                manager.ensureCollection(createIfMissing);
            }
            if (manager.aliasTarget(alias).isEmpty()) {
                throw new IllegalStateException("Milvus alias '" + alias + "' does not exist at " + connection
                        + ": nothing was indexed yet (run the index job first, or build the retriever with "
                        + "setCollection(spec) to create an empty collection)");
            }
            CollectionManager.StoredCollection t = manager.describe(alias);
            if (modelId != null && !modelId.equals(t.modelId())) {
                throw new IllegalStateException("Milvus alias '" + alias + "' points at collection '" + t.name()
                        + "' of model '" + t.modelId() + "', but questions are embedded by model '" + modelId
                        + "': its vectors are not comparable");
            }
            c.loadCollection(LoadCollectionReq.builder().collectionName(t.name()).build());
            this.target = t;
            this.client = c;
            LOG.info("Milvus retriever on '{}' -> '{}' (model '{}', dim {}, empty acl {})", alias, t.name(),
                    t.modelId(), t.dimension(), emptyAcl);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * The {@code topK} chunks nearest to {@code vector} that a reader in {@code groups} may see, best first.
     *
     * @throws IllegalArgumentException for a vector of the wrong dimension, a bad top-k or invalid groups
     */
    public List<RetrievedChunk> search(float[] vector, Collection<String> groups, int topK) {
        if (client == null) {
            throw new IllegalStateException("MilvusRetriever.open() was not called");
        }
        if (vector == null || vector.length != target.dimension()) {
            throw new IllegalArgumentException("question vector has " + (vector == null ? 0 : vector.length)
                    + " dimensions, collection '" + target.name() + "' holds " + target.dimension());
        }
        if (topK < 1 || topK > MAX_TOP_K) {
            throw new IllegalArgumentException("top_k must be in 1.." + MAX_TOP_K + ", got " + topK);
        }
        String filter = filterFor(groups);
        if (filter == null) {
            return List.of(); // no groups and empty acls are private: nothing is readable
        }
        SearchReq request = SearchReq.builder()
                .collectionName(alias)
                .annsField(EMBEDDING)
                .data(List.of(new FloatVec(vector)))
                .topK(topK)
                .filter(filter)
                .outputFields(List.of(CHUNK_ID, DOC_ID, TITLE, TEXT))
                .searchParams(Map.of("ef", Math.max(searchEf, topK)))
                .build();
        SearchResp resp;
        try {
            resp = client.search(request);
        } catch (MilvusClientException e) {
            if (BoundedRetry.isTransient(e)) {
                throw e;
            }
            // a restarted server (Milvus Lite) comes back with collections released: load, then once more
            LOG.info("Milvus collection '{}' not loaded ({}): loading it", target.name(), e.getMessage());
            client.loadCollection(LoadCollectionReq.builder().collectionName(target.name()).build());
            resp = client.search(request);
        }
        List<RetrievedChunk> out = new ArrayList<>(topK);
        for (SearchResp.SearchResult r : resp.getSearchResults().get(0)) {
            Map<String, Object> e = r.getEntity();
            out.add(new RetrievedChunk(String.valueOf(e.get(CHUNK_ID)), String.valueOf(e.get(DOC_ID)),
                    (String) e.get(TITLE), (String) e.get(TEXT), r.getScore()));
        }
        return out;
    }

    /** The filter for a question's groups (validated); null when nothing is readable. */
    String filterFor(Collection<String> groups) {
        List<String> valid = AclGroups.validate(groups, maxGroups, groupMaxLength, "question groups");
        boolean emptyPublic = emptyAcl == EmptyAclPolicy.PUBLIC;
        if (valid.isEmpty()) {
            return emptyPublic ? FilterExpressions.publicOnly() : null;
        }
        return FilterExpressions.aclFilter(valid, emptyPublic);
    }

    /** The collection the alias pointed at when opened. */
    /** The model whose vectors this retriever searches (null: any). */
    public String modelId() {
        return modelId;
    }

    public String collection() {
        return target == null ? null : target.name();
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
