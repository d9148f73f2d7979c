package dev.gemrag.connectors.records;

/**
 * One event of the documents topic: exactly one of upsert or delete is set. A plain class with
 * public fields so Flink serialises it as a POJO (no Kryo).
 */
public final class DocumentEvent {
    public Document upsert;
    public DocumentDelete delete;

    public DocumentEvent() {}

    public static DocumentEvent upsert(Document d) {
        DocumentEvent e = new DocumentEvent();
        e.upsert = d;
        return e;
    }

    public static DocumentEvent delete(DocumentDelete d) {
        DocumentEvent e = new DocumentEvent();
        e.delete = d;
        return e;
    }

    public String id() {
        return upsert != null ? upsert.id() : delete.id();
    }

    public long version() {
        return upsert != null ? upsert.version() : delete.version();
    }

    public boolean isDelete() {
        return delete != null;
    }
}
