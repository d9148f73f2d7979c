package dev.gemrag.connectors.records;

/** A retrieved chunk the answer was written from. */
public record Citation(String docId, String chunkId, String title, float score) {}
