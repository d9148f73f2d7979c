package dev.gemrag.connectors.milvus;

import dev.gemrag.connectors.records.RetrievalMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Builds a {@link MilvusRetriever}; see its Javadoc for an example. Only the connection is
 * required; set the model id so a collection of another model is refused at open().
 */
public final class MilvusRetrieverBuilder {
    private MilvusConnection connection;
    private String modelId;
    private CollectionSpec collection;
    private final Configuration config = new Configuration();

    MilvusRetrieverBuilder() {}

    public MilvusRetrieverBuilder setConnection(MilvusConnection connection) {
        this.connection = connection;
        return this;
    }

    public MilvusRetrieverBuilder setUri(String uri) {
        return setConnection(MilvusConnection.of(uri));
    }

    /**
     * The model that embeds the questions; open() fails if the collection holds another model's
     * vectors.
     */
    public MilvusRetrieverBuilder setModelId(String modelId) {
        this.modelId = modelId;
        return this;
    }

    /**
     * The collection the index job writes: open() creates it (and its alias) when missing, so a
     * query job may start before anything is indexed; also sets the alias and model id from the
     * spec.
     */
    public MilvusRetrieverBuilder setCollection(CollectionSpec spec) {
        this.collection = spec;
        this.modelId = spec.modelId();
        config.set(MilvusOptions.ALIAS, spec.alias());
        return this;
    }

    public MilvusRetrieverBuilder setAlias(String alias) {
        config.set(MilvusOptions.ALIAS, alias);
        return this;
    }

    public MilvusRetrieverBuilder setEmptyAclPolicy(EmptyAclPolicy policy) {
        config.set(MilvusOptions.EMPTY_ACL, policy);
        return this;
    }

    /** Default mode of questions that do not name one (retrieval.mode). */
    public MilvusRetrieverBuilder setRetrievalMode(RetrievalMode mode) {
        config.set(MilvusOptions.RETRIEVAL_MODE, mode);
        return this;
    }

    /**
     * How hybrid fuses (retrieval.fusion, retrieval.dense-weight, retrieval.bm25-normalization,
     * retrieval.rrf-k). The dense leg is always min-max scaled in the job.
     */
    public MilvusRetrieverBuilder setFusion(HybridFusion fusion) {
        if (fusion.denseNormalization() != ScoreNormalization.MIN_MAX) {
            throw new IllegalArgumentException(
                    "the retriever scales the dense leg min-max, got "
                            + fusion.denseNormalization());
        }
        config.set(MilvusOptions.RETRIEVAL_FUSION, fusion.method());
        config.set(MilvusOptions.RETRIEVAL_BM25_NORMALIZATION, fusion.sparseNormalization());
        config.set(MilvusOptions.RETRIEVAL_DENSE_WEIGHT, fusion.denseWeight());
        config.set(MilvusOptions.RETRIEVAL_RRF_K, fusion.rrfK());
        return this;
    }

    /** Candidates per leg of hybrid retrieval (retrieval.candidates). */
    public MilvusRetrieverBuilder setCandidates(int n) {
        config.set(MilvusOptions.RETRIEVAL_CANDIDATES, n);
        return this;
    }

    /**
     * Takes milvus.alias, milvus.acl.*, milvus.search.* and retrieval.* keys that are set in the
     * configuration.
     */
    public MilvusRetrieverBuilder configure(ReadableConfig conf) {
        MilvusOptions.copySet(
                conf,
                config,
                MilvusOptions.ALIAS,
                MilvusOptions.EMPTY_ACL,
                MilvusOptions.ACL_MAX_GROUPS,
                MilvusOptions.ACL_GROUP_MAX_LENGTH,
                MilvusOptions.SEARCH_EF,
                MilvusOptions.RETRIEVAL_MODE,
                MilvusOptions.RETRIEVAL_FUSION,
                MilvusOptions.RETRIEVAL_DENSE_WEIGHT,
                MilvusOptions.RETRIEVAL_BM25_NORMALIZATION,
                MilvusOptions.RETRIEVAL_RRF_K,
                MilvusOptions.RETRIEVAL_CANDIDATES);
        return this;
    }

    public MilvusRetriever build() {
        if (connection == null) {
            throw new IllegalArgumentException(
                    "MilvusRetriever needs a connection: call setConnection(...) or "
                            + "setUri(...)");
        }
        String alias = config.get(MilvusOptions.ALIAS);
        if (alias == null || !alias.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException(
                    "milvus.alias must be a Milvus name ([A-Za-z_][A-Za-z0-9_]*), got '"
                            + alias
                            + "'");
        }
        int maxGroups = config.get(MilvusOptions.ACL_MAX_GROUPS);
        int groupLen = config.get(MilvusOptions.ACL_GROUP_MAX_LENGTH);
        int ef = config.get(MilvusOptions.SEARCH_EF);
        if (maxGroups < 1 || groupLen < 1 || ef < 1) {
            throw new IllegalArgumentException(
                    "milvus.acl.max-groups, milvus.acl.group.max-length and "
                            + "milvus.search.hnsw.ef must be positive");
        }
        if (collection != null && !collection.alias().equals(alias)) {
            throw new IllegalArgumentException(
                    "setCollection(spec) uses alias '"
                            + collection.alias()
                            + "' but the alias was then set to '"
                            + alias
                            + "': set one of them");
        }
        int candidates = config.get(MilvusOptions.RETRIEVAL_CANDIDATES);
        if (candidates < 1 || candidates > MilvusRetriever.MAX_CANDIDATES) {
            throw new IllegalArgumentException(
                    "retrieval.candidates must be in 1.."
                            + MilvusRetriever.MAX_CANDIDATES
                            + ", got "
                            + candidates);
        }
        HybridFusion fusion =
                HybridFusion.job(
                        config.get(MilvusOptions.RETRIEVAL_FUSION),
                        config.get(MilvusOptions.RETRIEVAL_DENSE_WEIGHT),
                        config.get(MilvusOptions.RETRIEVAL_RRF_K),
                        config.get(MilvusOptions.RETRIEVAL_BM25_NORMALIZATION));
        return new MilvusRetriever(
                connection,
                alias,
                modelId,
                config.get(MilvusOptions.EMPTY_ACL),
                maxGroups,
                groupLen,
                ef,
                collection,
                config.get(MilvusOptions.RETRIEVAL_MODE),
                fusion,
                candidates);
    }
}
