package dev.gemrag.connectors.records;

/**
 * A piece of a document, cut by the chunker.
 *
 * @param chunkId    docId + "#" + chunkIndex: stable across replays, the Milvus primary key
 * @param docId      owning document
 * @param docVersion the document version it was cut from
 * @param chunkIndex 0-based position in the document
 * @param title      the document title, carried with each chunk (may be null)
 * @param text       the chunk text
 * @param acl        the document acl
 * @param metadataJson the document metadata as JSON text
 */
public record Chunk(
        String chunkId,
        String docId,
        long docVersion,
        int chunkIndex,
        String title,
        String text,
        String[] acl,
        String metadataJson) {

    public static String chunkId(String docId, int chunkIndex) {
        return docId + "#" + chunkIndex;
    }
}
