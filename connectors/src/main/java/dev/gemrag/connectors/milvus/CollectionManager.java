package dev.gemrag.connectors.milvus;

import static dev.gemrag.connectors.milvus.ChunkFields.*;

import dev.gemrag.annotations.PublicApi;
import io.milvus.common.clientenum.FunctionType;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.exception.MilvusClientException;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import io.milvus.v2.service.utility.request.AlterAliasReq;
import io.milvus.v2.service.utility.request.CreateAliasReq;
import io.milvus.v2.service.utility.request.DescribeAliasReq;
import io.milvus.v2.service.utility.request.ListAliasesReq;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and checks chunk collections: one per (model id, dimension), named from both, the model
 * id and dimension stored as collection properties, reached by readers through an alias. A model
 * change is {@link #reindex}: fill a new collection, then swap the alias; vectors are never mixed.
 *
 * <p>Schema: chunk_id VarChar primary key (no auto id), doc_id VarChar, doc_version Int64,
 * chunk_index Int32, title VarChar, text VarChar, acl Array&lt;VarChar&gt;, metadata JSON,
 * embedding FloatVector(dim) with an HNSW (or AUTOINDEX) COSINE index, an INVERTED index on doc_id
 * (the sink looks chunks up by document); with full-text search (the default, {@code
 * milvus.full-text}): search_text VarChar (title line + chunk text as its {@link TextAnalyzer}
 * gives it, recorded in a property; the server's standard analyzer, text match) and search_sparse,
 * a sparse vector the server fills with its BM25 function, SPARSE_INVERTED_INDEX with metric BM25;
 * consistency STRONG so a delete-by-filter right after an upsert sees it. The index goes in the
 * create request (Milvus Lite has no synchronous standalone createIndex).
 *
 * <pre>{@code
 * CollectionManager manager = new CollectionManager(client);
 * String name = manager.ensureCollection(spec);           // create if missing, check model/dim, alias
 * manager.reindex(newSpec, collection -> runIndexJob(collection)); // new model: fill, then swap alias
 * }</pre>
 */
@PublicApi
public final class CollectionManager {
    private static final Logger LOG = LoggerFactory.getLogger(CollectionManager.class);

    /**
     * What a collection holds, read back from its properties and schema.
     *
     * @param fullText whether it has the BM25 field (hybrid and sparse retrieval)
     * @param textAnalyzer how its search_text was analysed (questions must be analysed alike)
     */
    public record StoredCollection(
            String name,
            String modelId,
            int dimension,
            boolean fullText,
            TextAnalyzer textAnalyzer) {

        /** Whether its layout (full-text or not, and the analyzer) is the spec's. */
        public boolean hasLayoutOf(CollectionSpec spec) {
            return fullText == spec.fullText()
                    && (!fullText || textAnalyzer == spec.textAnalyzer());
        }
    }

    /** Fills a freshly created collection (e.g. runs a bounded index job writing to it). */
    @FunctionalInterface
    public interface Filler {
        void fill(String collectionName) throws Exception;
    }

    private final MilvusClientV2 client;

    public CollectionManager(MilvusClientV2 client) {
        this.client = client;
    }

    /**
     * The spec's collection, created if missing and checked otherwise; the alias is created
     * pointing at it when the alias does not exist yet (an alias pointing elsewhere is left alone:
     * that is a re-index in progress, see {@link #reindex} and {@link #pointAlias}).
     */
    public String ensureCollection(CollectionSpec spec) {
        Optional<String> adopted = olderLayoutPredecessor(spec);
        if (adopted.isPresent()) {
            return adopted.get();
        }
        String name = createIfMissing(spec);
        Optional<String> target = aliasTarget(spec.alias());
        if (target.isEmpty()) {
            try {
                client.createAlias(
                        CreateAliasReq.builder().alias(spec.alias()).collectionName(name).build());
                LOG.info("Milvus alias '{}' -> '{}'", spec.alias(), name);
            } catch (MilvusClientException e) {
                if (aliasTarget(spec.alias()).isEmpty()) { // not a lost race with another writer
                    throw e;
                }
            }
        } else if (!target.get().equals(name)) {
            LOG.info(
                    "Milvus alias '{}' points at '{}', not at '{}' (model '{}'): readers keep the old collection "
                            + "until the alias is swapped",
                    spec.alias(),
                    target.get(),
                    name,
                    spec.modelId());
        }
        return name;
    }

    /**
     * The collection the alias points at when it holds this model's vectors in the layout of an
     * earlier version (dense only, or full-text with another analyzer) while the spec asks for
     * full-text search and the spec's own collection does not exist: it keeps being written and
     * read in its own layout instead of starting an empty collection behind the readers' back; a
     * re-index ({@link #reindex}, which creates the spec's collection before filling it) brings the
     * new layout.
     */
    private Optional<String> olderLayoutPredecessor(CollectionSpec spec) {
        if (!spec.fullText() || exists(spec.collectionName())) { // exists: a re-index is filling it
            return Optional.empty();
        }
        Optional<String> target = aliasTarget(spec.alias());
        if (target.isEmpty() || target.get().equals(spec.collectionName())) {
            return Optional.empty();
        }
        StoredCollection stored;
        try {
            stored = describe(target.get());
        } catch (IllegalStateException e) {
            return Optional.empty(); // not a gemrag collection: the usual path reports it
        }
        if (stored.hasLayoutOf(spec)
                || !stored.modelId().equals(spec.modelId())
                || stored.dimension() != spec.dimension()) {
            return Optional.empty();
        }
        if (!stored.fullText()) {
            LOG.info(
                    "Milvus collection '{}' (alias '{}') has no full-text field (made before hybrid search): it "
                            + "keeps serving, dense retrieval only; re-index into '{}' for hybrid and sparse",
                    stored.name(),
                    spec.alias(),
                    spec.collectionName());
        } else {
            LOG.info(
                    "Milvus collection '{}' (alias '{}') analyses text with the {} analyzer: it keeps serving "
                            + "with it; re-index into '{}' for the {} analyzer",
                    stored.name(),
                    spec.alias(),
                    stored.textAnalyzer().wireName(),
                    spec.collectionName(),
                    spec.textAnalyzer().wireName());
        }
        client.loadCollection(
                LoadCollectionReq.builder().collectionName(stored.name()).sync(false).build());
        return Optional.of(stored.name());
    }

    /**
     * Creates the spec's collection (schema, index, properties, loaded) unless it exists; verifies
     * it if it does.
     */
    public String createIfMissing(CollectionSpec spec) {
        String name = spec.collectionName();
        if (!exists(name)) {
            try {
                create(spec);
                LOG.info(
                        "Milvus collection '{}' created (model '{}', dim {}, {} index, {})",
                        name,
                        spec.modelId(),
                        spec.dimension(),
                        spec.index(),
                        spec.fullText()
                                ? "BM25 full-text search, "
                                        + spec.textAnalyzer().wireName()
                                        + " analyzer"
                                : "dense only");
            } catch (MilvusClientException e) {
                if (!exists(name)) { // not a lost race with another writer
                    throw e;
                }
            }
        }
        verify(name, spec);
        client.loadCollection(LoadCollectionReq.builder().collectionName(name).sync(false).build());
        return name;
    }

    /**
     * Throws IllegalStateException when the collection holds another model's or dimension's
     * vectors.
     */
    public void verify(String collection, CollectionSpec spec) {
        StoredCollection stored = describe(collection);
        if (!spec.modelId().equals(stored.modelId()) || spec.dimension() != stored.dimension()) {
            throw new IllegalStateException(
                    "Milvus collection '"
                            + stored.name()
                            + "' holds vectors of model '"
                            + stored.modelId()
                            + "' (dim "
                            + stored.dimension()
                            + "), not of model '"
                            + spec.modelId()
                            + "' (dim "
                            + spec.dimension()
                            + "): use a new collection (CollectionManager.reindex)");
        }
    }

    /** Model id and dimension of a collection or of an alias' target. */
    public StoredCollection describe(String collectionOrAlias) {
        DescribeCollectionResp d =
                client.describeCollection(
                        DescribeCollectionReq.builder().collectionName(collectionOrAlias).build());
        Map<String, String> props = d.getProperties() == null ? Map.of() : d.getProperties();
        String model = props.get(PROP_MODEL_ID);
        String dim = props.get(PROP_DIMENSION);
        if (model == null || dim == null) {
            throw new IllegalStateException(
                    "Milvus collection '"
                            + d.getCollectionName()
                            + "' has no "
                            + PROP_MODEL_ID
                            + "/"
                            + PROP_DIMENSION
                            + " properties: it was not created by gemrag");
        }
        List<String> fields = d.getFieldNames() == null ? List.of() : d.getFieldNames();
        return new StoredCollection(
                d.getCollectionName(),
                model,
                Integer.parseInt(dim),
                fields.contains(SEARCH_SPARSE),
                TextAnalyzer.fromProperty(props.get(PROP_TEXT_ANALYZER)));
    }

    public boolean exists(String collection) {
        return Boolean.TRUE.equals(
                client.hasCollection(
                        HasCollectionReq.builder().collectionName(collection).build()));
    }

    /** The collection an alias points at, empty when the alias does not exist. */
    public Optional<String> aliasTarget(String alias) {
        // list first: describing a missing alias is an error answer the SDK logs at ERROR level
        List<String> aliases =
                client.listAliases(ListAliasesReq.builder().collectionName("").build()).getAlias();
        if (aliases == null || !aliases.contains(alias)) {
            return Optional.empty();
        }
        String target =
                client.describeAlias(DescribeAliasReq.builder().alias(alias).build())
                        .getCollectionName();
        return target == null || target.isEmpty() ? Optional.empty() : Optional.of(target);
    }

    /** Creates the alias or moves it to the collection (atomic for readers). */
    public void pointAlias(String alias, String collection) {
        if (aliasTarget(alias).isPresent()) {
            client.alterAlias(
                    AlterAliasReq.builder().alias(alias).collectionName(collection).build());
        } else {
            client.createAlias(
                    CreateAliasReq.builder().alias(alias).collectionName(collection).build());
        }
        LOG.info("Milvus alias '{}' -> '{}'", alias, collection);
    }

    /**
     * Re-index for a new model or dimension: creates the new collection, lets {@code filler} fill
     * it, then swaps the alias to it. Readers see the old collection until the swap, never a mix.
     *
     * @return the collection the alias pointed at before (kept; drop it when no reader needs it)
     */
    public Optional<String> reindex(CollectionSpec newSpec, Filler filler) throws Exception {
        Optional<String> previous = aliasTarget(newSpec.alias());
        String name = createIfMissing(newSpec);
        filler.fill(name);
        pointAlias(newSpec.alias(), name);
        return previous;
    }

    private void create(CollectionSpec spec) {
        CreateCollectionReq.CollectionSchema schema =
                CreateCollectionReq.CollectionSchema.builder().enableDynamicField(false).build();
        schema.addField(
                AddFieldReq.builder()
                        .fieldName(CHUNK_ID)
                        .dataType(DataType.VarChar)
                        .maxLength(spec.chunkIdMaxLength())
                        .isPrimaryKey(true)
                        .autoID(false)
                        .build());
        schema.addField(
                AddFieldReq.builder()
                        .fieldName(DOC_ID)
                        .dataType(DataType.VarChar)
                        .maxLength(spec.docIdMaxLength())
                        .build());
        schema.addField(
                AddFieldReq.builder().fieldName(DOC_VERSION).dataType(DataType.Int64).build());
        schema.addField(
                AddFieldReq.builder().fieldName(CHUNK_INDEX).dataType(DataType.Int32).build());
        schema.addField(
                AddFieldReq.builder()
                        .fieldName(TITLE)
                        .dataType(DataType.VarChar)
                        .maxLength(spec.titleMaxLength())
                        .build());
        schema.addField(
                AddFieldReq.builder()
                        .fieldName(TEXT)
                        .dataType(DataType.VarChar)
                        .maxLength(spec.textMaxLength())
                        .build());
        schema.addField(
                AddFieldReq.builder()
                        .fieldName(ACL)
                        .dataType(DataType.Array)
                        .elementType(DataType.VarChar)
                        .maxCapacity(spec.aclMaxGroups())
                        .maxLength(spec.aclGroupMaxLength())
                        .build());
        schema.addField(AddFieldReq.builder().fieldName(METADATA).dataType(DataType.JSON).build());
        schema.addField(
                AddFieldReq.builder()
                        .fieldName(EMBEDDING)
                        .dataType(DataType.FloatVector)
                        .dimension(spec.dimension())
                        .build());
        if (spec.fullText()) {
            // The server's standard analyzer (Milvus Lite knows no other tokenizer than standard
            // and jieba, and ignores token filters such as stemmers): stemming, when the spec's
            // TextAnalyzer asks for it, is done before the text is written. BM25 computed by the
            // server from search_text.
            schema.addField(
                    AddFieldReq.builder()
                            .fieldName(SEARCH_TEXT)
                            .dataType(DataType.VarChar)
                            .maxLength(spec.searchTextMaxLength())
                            .enableAnalyzer(true)
                            .enableMatch(true)
                            .build());
            schema.addField(
                    AddFieldReq.builder()
                            .fieldName(SEARCH_SPARSE)
                            .dataType(DataType.SparseFloatVector)
                            .build());
            schema.addFunction(
                    CreateCollectionReq.Function.builder()
                            .name(BM25_FUNCTION)
                            .functionType(FunctionType.BM25)
                            .inputFieldNames(List.of(SEARCH_TEXT))
                            .outputFieldNames(List.of(SEARCH_SPARSE))
                            .build());
        }

        IndexParam.IndexParamBuilder index =
                IndexParam.builder().fieldName(EMBEDDING).metricType(IndexParam.MetricType.COSINE);
        if (spec.index() == VectorIndex.HNSW) {
            // One "params" JSON string: the form both Milvus and Milvus Lite read.
            index.indexType(IndexParam.IndexType.HNSW)
                    .extraParams(
                            Map.of(
                                    "params",
                                    "{\"M\":"
                                            + spec.hnswM()
                                            + ",\"efConstruction\":"
                                            + spec.hnswEfConstruction()
                                            + "}"));
        } else {
            index.indexType(IndexParam.IndexType.AUTOINDEX);
        }
        // doc_id is filtered on every flush (the sink reads a batch's existing chunks by doc_id)
        List<IndexParam> indexes =
                new ArrayList<>(
                        List.of(
                                index.build(),
                                IndexParam.builder()
                                        .fieldName(DOC_ID)
                                        .indexType(IndexParam.IndexType.INVERTED)
                                        .build()));
        if (spec.fullText()) {
            indexes.add(
                    IndexParam.builder()
                            .fieldName(SEARCH_SPARSE)
                            .indexType(IndexParam.IndexType.SPARSE_INVERTED_INDEX)
                            .metricType(IndexParam.MetricType.BM25)
                            .build());
        }
        client.createCollection(
                CreateCollectionReq.builder()
                        .collectionName(spec.collectionName())
                        .description("gemrag chunks embedded by " + spec.modelId())
                        .collectionSchema(schema)
                        .indexParams(indexes)
                        .consistencyLevel(ConsistencyLevel.STRONG)
                        .properties(properties(spec))
                        .build());
    }

    private static Map<String, String> properties(CollectionSpec spec) {
        Map<String, String> p = new java.util.HashMap<>();
        p.put(PROP_MODEL_ID, spec.modelId());
        p.put(PROP_DIMENSION, Integer.toString(spec.dimension()));
        p.put(PROP_SCHEMA_VERSION, spec.fullText() ? SCHEMA_VERSION : SCHEMA_VERSION_DENSE_ONLY);
        if (spec.fullText()) {
            p.put(PROP_TEXT_ANALYZER, spec.textAnalyzer().wireName());
        }
        return p;
    }
}
