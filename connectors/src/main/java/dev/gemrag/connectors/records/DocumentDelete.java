package dev.gemrag.connectors.records;

/** A tombstone (null value) or {"id","deleted":true}: every chunk of the document goes. */
public record DocumentDelete(String id, long version) {}
