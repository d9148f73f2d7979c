package dev.gemrag.connectors.milvus;

import static dev.gemrag.connectors.milvus.ChunkFields.CHUNK_ID;
import static dev.gemrag.connectors.milvus.ChunkFields.DOC_ID;
import static dev.gemrag.connectors.milvus.ChunkFields.EMBEDDING;
import static dev.gemrag.connectors.milvus.ChunkFields.SEARCH_SPARSE;
import static dev.gemrag.connectors.milvus.ChunkFields.TEXT;
import static dev.gemrag.connectors.milvus.ChunkFields.TITLE;

import dev.gemrag.annotations.PublicApi;
import dev.gemrag.connectors.milvus.internal.AclGroups;
import dev.gemrag.connectors.milvus.internal.BoundedRetry;
import dev.gemrag.connectors.milvus.internal.FilterExpressions;
import dev.gemrag.connectors.records.RetrievalMode;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.exception.MilvusClientException;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.EmbeddedText;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * List<RetrievedChunk> hits = retriever.search(queryVector, 4, List.of("staff"));           // dense
 * hits = retriever.search(questionText, queryVector, RetrievalMode.HYBRID, 4, List.of("staff")); // or null = retrieval.mode
 * }</pre>
 *
 * <p>Modes ({@link RetrievalMode}): dense = top-k by cosine; sparse = top-k by BM25 over
 * search_text (Milvus full-text search, the question text analysed by the server); hybrid = both
 * legs, each {@code retrieval.candidates} deep and each with the same ACL filter, fused client-side
 * by {@link HybridFusion}. A collection made before full-text search (no BM25 field) serves every
 * mode densely, said once per mode in the log.
 */
@PublicApi
public final class MilvusRetriever implements AutoCloseable, Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MilvusRetriever.class);

    /**
     * The question contract's limit ({@link
     * dev.gemrag.connectors.records.json.RecordLimits#MAX_TOP_K}).
     */
    public static final int MAX_TOP_K = dev.gemrag.connectors.records.json.RecordLimits.MAX_TOP_K;

    /**
     * Depth of one leg of hybrid retrieval (candidates before fusion): its own bound, above any
     * top_k.
     */
    public static final int MAX_CANDIDATES = 1024;

    private final MilvusConnection connection;
    private final String alias;
    private final String modelId;
    private final EmptyAclPolicy emptyAcl;
    private final int maxGroups;
    private final int groupMaxLength;
    private final int searchEf;

    /**
     * When set, open() creates the collection and alias if missing (query job started before
     * indexing).
     */
    private final CollectionSpec createIfMissing;

    private final RetrievalMode defaultMode;
    private final HybridFusion fusion;
    private final int candidates;

    private transient MilvusClientV2 client;
    private transient CollectionManager.StoredCollection target;
    private transient Set<RetrievalMode> fallbackLogged;

    MilvusRetriever(
            MilvusConnection connection,
            String alias,
            String modelId,
            EmptyAclPolicy emptyAcl,
            int maxGroups,
            int groupMaxLength,
            int searchEf,
            CollectionSpec createIfMissing,
            RetrievalMode defaultMode,
            HybridFusion fusion,
            int candidates) {
        this.createIfMissing = createIfMissing;
        this.defaultMode = defaultMode;
        this.fusion = fusion;
        this.candidates = candidates;
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
                throw new IllegalStateException(
                        "Milvus alias '"
                                + alias
                                + "' does not exist at "
                                + connection
                                + ": nothing was indexed yet (run the index job first, or build the retriever with "
                                + "setCollection(spec) to create an empty collection)");
            }
            CollectionManager.StoredCollection t = manager.describe(alias);
            if (modelId != null && !modelId.equals(t.modelId())) {
                throw new IllegalStateException(
                        "Milvus alias '"
                                + alias
                                + "' points at collection '"
                                + t.name()
                                + "' of model '"
                                + t.modelId()
                                + "', but questions are embedded by model '"
                                + modelId
                                + "': its vectors are not comparable");
            }
            c.loadCollection(LoadCollectionReq.builder().collectionName(t.name()).build());
            this.target = t;
            this.client = c;
            this.fallbackLogged = ConcurrentHashMap.newKeySet();
            LOG.info(
                    "Milvus retriever on '{}' -> '{}' (model '{}', dim {}, empty acl {}, mode {}{}{})",
                    alias,
                    t.name(),
                    t.modelId(),
                    t.dimension(),
                    emptyAcl,
                    defaultMode.wireName(),
                    t.fullText() ? ", " + t.textAnalyzer().wireName() + " analyzer" : "",
                    defaultMode == RetrievalMode.HYBRID
                            ? ", fusion " + fusion + ", " + candidates + " candidates"
                            : "");
            if (!t.fullText() && defaultMode != RetrievalMode.DENSE) {
                fallbackLogged.add(defaultMode);
                LOG.info(
                        "Milvus collection '{}' has no full-text field (made before hybrid search): retrieval.mode {} "
                                + "is served as dense until a re-index",
                        t.name(),
                        defaultMode.wireName());
            }
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * {@link #open()}, then checks that the collection holds vectors as wide as the question
     * embedder's {@code dimension}: a mismatch (same model id, another width) fails at start-up
     * rather than at every question.
     */
    public synchronized void open(int dimension) {
        open();
        if (target.dimension() != dimension) {
            String name = target.name();
            int held = target.dimension();
            close();
            target = null;
            throw new IllegalStateException(
                    "Milvus collection '"
                            + name
                            + "' holds "
                            + held
                            + "-dimensional vectors, but questions are embedded into "
                            + dimension
                            + " dimensions: re-index with this model or give the answer job the"
                            + " indexing model");
        }
    }

    /**
     * The {@code topK} chunks nearest to {@code vector} that a reader in {@code groups} may see,
     * best first.
     *
     * @throws IllegalArgumentException for a vector of the wrong dimension, a bad top-k or invalid
     *     groups
     */
    public List<RetrievedChunk> search(float[] vector, int topK, Collection<String> groups) {
        return search(null, vector, RetrievalMode.DENSE, topK, groups);
    }

    /**
     * The {@code topK} chunks for a question that a reader in {@code groups} may see, best first.
     * Scores: cosine (dense), BM25 (sparse), the fused score (hybrid, see {@link HybridFusion}).
     *
     * @param text the question (sparse and hybrid; may be null for dense)
     * @param vector the question's embedding (dense and hybrid; may be null for sparse)
     * @param mode null = the configured {@code retrieval.mode}
     * @throws IllegalArgumentException for a missing text or vector, a vector of the wrong
     *     dimension, a bad top-k or invalid groups
     */
    public List<RetrievedChunk> search(
            String text, float[] vector, RetrievalMode mode, int topK, Collection<String> groups) {
        if (client == null) {
            throw new IllegalStateException("MilvusRetriever.open() was not called");
        }
        RetrievalMode m = effectiveMode(mode == null ? defaultMode : mode);
        if (m.usesDense() && (vector == null || vector.length != target.dimension())) {
            throw new IllegalArgumentException(
                    "question vector has "
                            + (vector == null ? 0 : vector.length)
                            + " dimensions, collection '"
                            + target.name()
                            + "' holds "
                            + target.dimension());
        }
        if (m.usesSparse() && text == null) {
            throw new IllegalArgumentException(
                    "retrieval mode " + m.wireName() + " needs the question text");
        }
        if (topK < 1 || topK > MAX_TOP_K) {
            throw new IllegalArgumentException(
                    "top_k must be in 1.." + MAX_TOP_K + ", got " + topK);
        }
        String filter = filterFor(groups);
        if (filter == null) {
            return List.of(); // no groups and empty acls are private: nothing is readable
        }
        return switch (m) {
            case DENSE -> dense(vector, filter, topK);
            case SPARSE -> sparse(text, filter, topK);
            case HYBRID -> {
                int depth = Math.min(MAX_CANDIDATES, Math.max(candidates, topK));
                yield fusion.fuse(dense(vector, filter, depth), sparse(text, filter, depth), topK);
            }
        };
    }

    /**
     * The mode a collection can serve: without the BM25 field, dense (said once per requested
     * mode).
     */
    private RetrievalMode effectiveMode(RetrievalMode requested) {
        if (requested == RetrievalMode.DENSE || target.fullText()) {
            return requested;
        }
        if (fallbackLogged.add(requested)) {
            LOG.info(
                    "Milvus collection '{}' has no full-text field (made before hybrid search): retrieval mode {} "
                            + "is served as dense until a re-index",
                    target.name(),
                    requested.wireName());
        }
        return RetrievalMode.DENSE;
    }

    /** Whether the collection behind the alias has BM25 full-text search (known after open()). */
    public boolean fullText() {
        return target != null && target.fullText();
    }

    private List<RetrievedChunk> dense(float[] vector, String filter, int topK) {
        return run(
                SearchReq.builder()
                        .collectionName(alias)
                        .annsField(EMBEDDING)
                        .data(List.of(new FloatVec(vector)))
                        .topK(topK)
                        .filter(filter)
                        .outputFields(List.of(CHUNK_ID, DOC_ID, TITLE, TEXT))
                        .searchParams(Map.of("ef", Math.max(searchEf, topK)))
                        .build(),
                false);
    }

    private List<RetrievedChunk> sparse(String text, String filter, int topK) {
        // analysed like the collection's search_text: here by its TextAnalyzer, then the server
        String terms = target.textAnalyzer().analyze(text);
        if (terms.isBlank()) {
            return List.of(); // no words: BM25 matches nothing
        }
        BaseVector query = new EmbeddedText(terms);
        return run(
                SearchReq.builder()
                        .collectionName(alias)
                        .annsField(SEARCH_SPARSE)
                        .data(List.of(query))
                        .topK(topK)
                        .filter(filter)
                        .outputFields(List.of(CHUNK_ID, DOC_ID, TITLE, TEXT))
                        .build(),
                true);
    }

    /**
     * @param bm25 BM25 is never negative; Milvus Lite 3.2.2 returns it negated (best = most
     *     negative), so the magnitude is the score on both servers
     */
    private List<RetrievedChunk> run(SearchReq request, boolean bm25) {
        SearchResp resp;
        try {
            resp = client.search(request);
        } catch (MilvusClientException e) {
            if (BoundedRetry.isTransient(e)) {
                throw e;
            }
            // a restarted server (Milvus Lite) comes back with collections released: load, then
            // once more
            LOG.info(
                    "Milvus collection '{}' not loaded ({}): loading it",
                    target.name(),
                    e.getMessage());
            client.loadCollection(
                    LoadCollectionReq.builder().collectionName(target.name()).build());
            resp = client.search(request);
        }
        List<SearchResp.SearchResult> results =
                resp.getSearchResults().isEmpty() ? List.of() : resp.getSearchResults().get(0);
        List<RetrievedChunk> out = new ArrayList<>(results.size());
        for (SearchResp.SearchResult r : results) {
            Map<String, Object> e = r.getEntity();
            float score = bm25 ? Math.abs(r.getScore()) : r.getScore();
            out.add(
                    new RetrievedChunk(
                            String.valueOf(e.get(CHUNK_ID)),
                            String.valueOf(e.get(DOC_ID)),
                            (String) e.get(TITLE),
                            (String) e.get(TEXT),
                            score));
        }
        return out;
    }

    /** The filter for a question's groups (validated); null when nothing is readable. */
    String filterFor(Collection<String> groups) {
        List<String> valid =
                AclGroups.validate(groups, maxGroups, groupMaxLength, "question groups");
        boolean emptyPublic = emptyAcl == EmptyAclPolicy.PUBLIC;
        if (valid.isEmpty()) {
            return emptyPublic ? FilterExpressions.publicOnly() : null;
        }
        return FilterExpressions.aclFilter(valid, emptyPublic);
    }

    public RetrievalMode defaultMode() {
        return defaultMode;
    }

    public HybridFusion fusion() {
        return fusion;
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
