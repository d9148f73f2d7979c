package dev.gemrag.connectors.milvus;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * What a chunk collection holds: vectors of ONE model and dimension (named from both), the alias
 * readers use, the index and the field limits. Shared by the sink, the retriever and {@link
 * CollectionManager}.
 *
 * <pre>{@code
 * CollectionSpec spec = CollectionSpec.builder("SmolLM2-135M-Instruct+gem", 576).build();
 * }</pre>
 */
public final class CollectionSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String modelId;
    private final int dimension;
    private final String alias;
    private final String prefix;
    private final VectorIndex index;
    private final int hnswM;
    private final int hnswEfConstruction;
    private final int docIdMaxLength;
    private final int titleMaxLength;
    private final int textMaxLength;
    private final int aclMaxGroups;
    private final int aclGroupMaxLength;
    private final boolean fullText;
    private final TextAnalyzer textAnalyzer;

    private CollectionSpec(Builder b) {
        this.modelId = b.modelId;
        this.dimension = b.dimension;
        this.alias = b.config.get(MilvusOptions.ALIAS);
        this.prefix = b.config.get(MilvusOptions.COLLECTION_PREFIX);
        this.index = b.config.get(MilvusOptions.INDEX);
        this.hnswM = b.config.get(MilvusOptions.HNSW_M);
        this.hnswEfConstruction = b.config.get(MilvusOptions.HNSW_EF_CONSTRUCTION);
        this.docIdMaxLength = b.config.get(MilvusOptions.DOC_ID_MAX_LENGTH);
        this.titleMaxLength = b.config.get(MilvusOptions.TITLE_MAX_LENGTH);
        this.textMaxLength = b.config.get(MilvusOptions.TEXT_MAX_LENGTH);
        this.aclMaxGroups = b.config.get(MilvusOptions.ACL_MAX_GROUPS);
        this.aclGroupMaxLength = b.config.get(MilvusOptions.ACL_GROUP_MAX_LENGTH);
        this.fullText = b.config.get(MilvusOptions.FULL_TEXT);
        this.textAnalyzer = b.config.get(MilvusOptions.TEXT_ANALYZER);
    }

    public static Builder builder(String modelId, int dimension) {
        return new Builder(modelId, dimension);
    }

    /**
     * {@code <prefix>_<sanitised model id>_<8 hex of sha-256(model id [+ layout])>_d<dim>}:
     * readable, and two model ids that sanitise alike ("a/b", "a.b") still get different
     * collections. The full-text layout hashes the model id plus {@code "\nschema=2"}, so it never
     * reuses a dense-only collection (whose name, hash of the model id alone, is the one earlier
     * versions created); an analyzer other than the server's standard one adds {@code
     * "\nanalyzer=<name>"}, so stemmed and unstemmed text never share a collection.
     */
    public String collectionName() {
        String clean = modelId.replaceAll("[^A-Za-z0-9_]", "_");
        if (clean.length() > 120) {
            clean = clean.substring(0, 120);
        }
        String hashed = modelId;
        if (fullText) {
            hashed += "\nschema=" + ChunkFields.SCHEMA_VERSION;
            if (textAnalyzer != TextAnalyzer.STANDARD) {
                hashed += "\nanalyzer=" + textAnalyzer.wireName();
            }
        }
        return prefix + "_" + clean + "_" + shortHash(hashed) + "_d" + dimension;
    }

    private static String shortHash(String s) {
        try {
            byte[] h =
                    MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String modelId() {
        return modelId;
    }

    public int dimension() {
        return dimension;
    }

    public String alias() {
        return alias;
    }

    public VectorIndex index() {
        return index;
    }

    public int hnswM() {
        return hnswM;
    }

    public int hnswEfConstruction() {
        return hnswEfConstruction;
    }

    public int docIdMaxLength() {
        return docIdMaxLength;
    }

    /** chunk id = doc id + "#" + index: room for the suffix. */
    public int chunkIdMaxLength() {
        return docIdMaxLength + 16;
    }

    public int titleMaxLength() {
        return titleMaxLength;
    }

    public int textMaxLength() {
        return textMaxLength;
    }

    public int aclMaxGroups() {
        return aclMaxGroups;
    }

    public int aclGroupMaxLength() {
        return aclGroupMaxLength;
    }

    /** Whether collections of this spec get BM25 full-text search (search_text + search_sparse). */
    public boolean fullText() {
        return fullText;
    }

    /** How search_text and the questions' BM25 text are analysed (full-text layout only). */
    public TextAnalyzer textAnalyzer() {
        return textAnalyzer;
    }

    /** search_text = title + newline + text. */
    public int searchTextMaxLength() {
        return Math.min(65535, titleMaxLength + 1 + textMaxLength);
    }

    /**
     * This spec with the other layout (same model, limits and alias; the collection name follows
     * the layout).
     */
    public CollectionSpec withFullText(boolean on) {
        return withLayout(on, textAnalyzer);
    }

    /** This spec with the layout of a stored collection (e.g. one made by an earlier version). */
    public CollectionSpec withLayoutOf(CollectionManager.StoredCollection stored) {
        return withLayout(stored.fullText(), stored.textAnalyzer());
    }

    private CollectionSpec withLayout(boolean on, TextAnalyzer analyzer) {
        Builder b = new Builder(modelId, dimension);
        b.config.set(MilvusOptions.ALIAS, alias);
        b.config.set(MilvusOptions.COLLECTION_PREFIX, prefix);
        b.config.set(MilvusOptions.INDEX, index);
        b.config.set(MilvusOptions.HNSW_M, hnswM);
        b.config.set(MilvusOptions.HNSW_EF_CONSTRUCTION, hnswEfConstruction);
        b.config.set(MilvusOptions.DOC_ID_MAX_LENGTH, docIdMaxLength);
        b.config.set(MilvusOptions.TITLE_MAX_LENGTH, titleMaxLength);
        b.config.set(MilvusOptions.TEXT_MAX_LENGTH, textMaxLength);
        b.config.set(MilvusOptions.ACL_MAX_GROUPS, aclMaxGroups);
        b.config.set(MilvusOptions.ACL_GROUP_MAX_LENGTH, aclGroupMaxLength);
        b.config.set(MilvusOptions.FULL_TEXT, on);
        b.config.set(MilvusOptions.TEXT_ANALYZER, analyzer);
        return b.build();
    }

    @Override
    public String toString() {
        return collectionName()
                + " (model '"
                + modelId
                + "', dim "
                + dimension
                + ", alias '"
                + alias
                + "'"
                + (fullText
                        ? ", full-text, " + textAnalyzer.wireName() + " analyzer"
                        : ", dense only")
                + ")";
    }

    /**
     * Defaults come from {@link MilvusOptions}; {@link #configure} applies a YAML/Flink
     * configuration.
     */
    public static final class Builder {
        private final String modelId;
        private final int dimension;
        private final Configuration config = new Configuration();

        private Builder(String modelId, int dimension) {
            this.modelId = modelId;
            this.dimension = dimension;
        }

        /** Takes every milvus.* collection key that is set in the given configuration. */
        public Builder configure(ReadableConfig conf) {
            MilvusOptions.copySet(
                    conf,
                    config,
                    MilvusOptions.ALIAS,
                    MilvusOptions.COLLECTION_PREFIX,
                    MilvusOptions.INDEX,
                    MilvusOptions.HNSW_M,
                    MilvusOptions.HNSW_EF_CONSTRUCTION,
                    MilvusOptions.DOC_ID_MAX_LENGTH,
                    MilvusOptions.TITLE_MAX_LENGTH,
                    MilvusOptions.TEXT_MAX_LENGTH,
                    MilvusOptions.ACL_MAX_GROUPS,
                    MilvusOptions.ACL_GROUP_MAX_LENGTH,
                    MilvusOptions.FULL_TEXT,
                    MilvusOptions.TEXT_ANALYZER);
            return this;
        }

        public Builder alias(String alias) {
            config.set(MilvusOptions.ALIAS, alias);
            return this;
        }

        public Builder prefix(String prefix) {
            config.set(MilvusOptions.COLLECTION_PREFIX, prefix);
            return this;
        }

        public Builder index(VectorIndex index) {
            config.set(MilvusOptions.INDEX, index);
            return this;
        }

        public Builder titleMaxLength(int n) {
            config.set(MilvusOptions.TITLE_MAX_LENGTH, n);
            return this;
        }

        public Builder textMaxLength(int n) {
            config.set(MilvusOptions.TEXT_MAX_LENGTH, n);
            return this;
        }

        public Builder docIdMaxLength(int n) {
            config.set(MilvusOptions.DOC_ID_MAX_LENGTH, n);
            return this;
        }

        /**
         * false = the dense-only layout (no BM25 fields), the layout of collections made before
         * full-text search.
         */
        public Builder fullText(boolean on) {
            config.set(MilvusOptions.FULL_TEXT, on);
            return this;
        }

        /** The BM25 text analyzer of a new full-text collection. */
        public Builder textAnalyzer(TextAnalyzer analyzer) {
            config.set(MilvusOptions.TEXT_ANALYZER, analyzer);
            return this;
        }

        public CollectionSpec build() {
            if (modelId == null || modelId.isBlank()) {
                throw new IllegalArgumentException(
                        "CollectionSpec needs a model id: the collection records which "
                                + "model made its vectors");
            }
            if (dimension < 1 || dimension > 32768) {
                throw new IllegalArgumentException(
                        "embedding dimension must be in 1..32768, got " + dimension);
            }
            String alias = config.get(MilvusOptions.ALIAS);
            String prefix = config.get(MilvusOptions.COLLECTION_PREFIX);
            for (String[] name :
                    new String[][] {
                        {"milvus.alias", alias}, {"milvus.collection.prefix", prefix}
                    }) {
                if (name[1] == null || !name[1].matches("[A-Za-z_][A-Za-z0-9_]{0,99}")) {
                    throw new IllegalArgumentException(
                            name[0]
                                    + " must be a Milvus name ([A-Za-z_][A-Za-z0-9_]*, "
                                    + "at most 100 characters), got '"
                                    + name[1]
                                    + "'");
                }
            }
            int text = config.get(MilvusOptions.TEXT_MAX_LENGTH);
            int title = config.get(MilvusOptions.TITLE_MAX_LENGTH);
            int docId = config.get(MilvusOptions.DOC_ID_MAX_LENGTH);
            if (text < 1
                    || text > 65535
                    || title < 1
                    || title > 65535
                    || docId < 1
                    || docId > 65000) {
                throw new IllegalArgumentException(
                        "milvus.field.*.max-length must be in 1..65535 (Milvus VarChar), "
                                + "got text="
                                + text
                                + " title="
                                + title
                                + " doc-id="
                                + docId);
            }
            int groups = config.get(MilvusOptions.ACL_MAX_GROUPS);
            if (groups < 1 || groups > 4096) {
                throw new IllegalArgumentException(
                        "milvus.acl.max-groups must be in 1..4096 (Milvus array capacity), "
                                + "got "
                                + groups);
            }
            Objects.requireNonNull(config.get(MilvusOptions.INDEX));
            return new CollectionSpec(this);
        }
    }
}
