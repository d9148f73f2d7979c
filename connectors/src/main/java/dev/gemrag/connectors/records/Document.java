package dev.gemrag.connectors.records;

/**
 * A document to index, as read from the documents topic (key = id).
 *
 * @param id document id (the Kafka key)
 * @param version the "version" field when given, else the Kafka offset of the record, so a later
 *     event of the same document (same key, same partition) always has a larger version
 * @param title may be null
 * @param text non-empty body
 * @param url may be null
 * @param acl groups allowed to read it; empty = no acl (public or private by configuration)
 * @param metadataJson the "metadata" object as JSON text ("{}" when absent)
 */
public record Document(
        String id,
        long version,
        String title,
        String text,
        String url,
        String[] acl,
        String metadataJson) {}
