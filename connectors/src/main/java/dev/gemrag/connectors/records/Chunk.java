package dev.gemrag.connectors.records;

/**
 * A piece of a document, cut by the chunker, and (after the embed step) its embedding: one type
 * from the chunker to the Milvus sink, so nothing is copied into a wrapper on the way.
 *
 * @param chunkId docId + "#" + chunkIndex: stable across replays, the Milvus primary key
 * @param docId owning document
 * @param docVersion the document version it was cut from
 * @param chunkIndex 0-based position in the document
 * @param title the document title, carried with each chunk (may be null)
 * @param text the chunk text
 * @param acl the document acl
 * @param metadataJson the document metadata as JSON text
 * @param embedding the L2-normalised embedding of the model named by the {@link IndexAction}; null
 *     until the embed step has run
 * @param tokens the model's ids of the text this chunk is embedded from (title, text, instruction),
 *     encoded once by the chunk step so the embed step does not tokenise again; null once embedded
 *     (the sink never needs them) or when the producer did not encode (then the text is embedded)
 */
public record Chunk(
        String chunkId,
        String docId,
        long docVersion,
        int chunkIndex,
        String title,
        String text,
        String[] acl,
        String metadataJson,
        float[] embedding,
        int[] tokens) {

    /** A chunk as cut, not yet embedded, without token ids. */
    public Chunk(
            String chunkId,
            String docId,
            long docVersion,
            int chunkIndex,
            String title,
            String text,
            String[] acl,
            String metadataJson) {
        this(chunkId, docId, docVersion, chunkIndex, title, text, acl, metadataJson, null, null);
    }

    /** An embedded chunk. */
    public Chunk(
            String chunkId,
            String docId,
            long docVersion,
            int chunkIndex,
            String title,
            String text,
            String[] acl,
            String metadataJson,
            float[] embedding) {
        this(
                chunkId,
                docId,
                docVersion,
                chunkIndex,
                title,
                text,
                acl,
                metadataJson,
                embedding,
                null);
    }

    public static String chunkId(String docId, int chunkIndex) {
        return docId + "#" + chunkIndex;
    }

    /** This chunk with the ids it is embedded from (the other fields are shared, not copied). */
    public Chunk withTokens(int[] ids) {
        return new Chunk(
                chunkId, docId, docVersion, chunkIndex, title, text, acl, metadataJson, null, ids);
    }

    /**
     * This chunk with its embedding, its token ids dropped: they are spent, and the sink's buffer
     * and checkpoints need not carry them.
     */
    public Chunk withEmbedding(float[] vector) {
        return new Chunk(
                chunkId,
                docId,
                docVersion,
                chunkIndex,
                title,
                text,
                acl,
                metadataJson,
                vector,
                null);
    }
}
