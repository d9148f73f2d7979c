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

    /** Collection properties that record what the vectors are. */
    public static final String PROP_MODEL_ID = "gemrag.model_id";
    public static final String PROP_DIMENSION = "gemrag.dimension";
    public static final String PROP_SCHEMA_VERSION = "gemrag.schema_version";
    public static final String SCHEMA_VERSION = "1";
}
