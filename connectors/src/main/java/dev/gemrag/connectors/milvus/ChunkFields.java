package dev.gemrag.connectors.milvus;

/** Field names of the chunk collection (see {@link CollectionManager} for the schema). */
public final class ChunkFields {
    private ChunkFields() {}

    public static final String CHUNK_ID = "chunk_id";
    public static final String DOC_ID = "doc_id";
    public static final String DOC_VERSION = "doc_version";
    public static final String CHUNK_INDEX = "chunk_index";
    public static final String TITLE = "title";
    public static final String TEXT = "text";
    public static final String ACL = "acl";
    public static final String METADATA = "metadata";
    public static final String EMBEDDING = "embedding";

    /**
     * Title line + chunk text (what the embedder sees), analysed for BM25; only in full-text
     * collections.
     */
    public static final String SEARCH_TEXT = "search_text";

    /** BM25 sparse vector of {@link #SEARCH_TEXT}, filled by the server's BM25 function. */
    public static final String SEARCH_SPARSE = "search_sparse";

    public static final String BM25_FUNCTION = "search_text_bm25";

    /** Collection properties that record what the vectors are. */
    public static final String PROP_MODEL_ID = "gemrag.model_id";

    public static final String PROP_DIMENSION = "gemrag.dimension";
    public static final String PROP_SCHEMA_VERSION = "gemrag.schema_version";

    /** The {@link TextAnalyzer} of search_text; absent in collections made before stemming. */
    public static final String PROP_TEXT_ANALYZER = "gemrag.text_analyzer";

    /** 1: dense only; 2: plus {@link #SEARCH_TEXT} / {@link #SEARCH_SPARSE} (full-text search). */
    public static final String SCHEMA_VERSION = "2";

    public static final String SCHEMA_VERSION_DENSE_ONLY = "1";
}
