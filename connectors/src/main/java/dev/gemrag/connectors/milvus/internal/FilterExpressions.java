package dev.gemrag.connectors.milvus.internal;

import static dev.gemrag.connectors.milvus.ChunkFields.ACL;
import static dev.gemrag.connectors.milvus.ChunkFields.CHUNK_INDEX;
import static dev.gemrag.connectors.milvus.ChunkFields.DOC_ID;
import static dev.gemrag.connectors.milvus.ChunkFields.DOC_VERSION;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Builds Milvus boolean expressions from values that may come from users (document ids, question
 * groups). Every value becomes ONE double-quoted string literal, so no value can add an operator.
 *
 * <p>Milvus' grammar (Plan.g4 StringLiteral; Milvus Lite's filter lexer follows it): inside "...",
 * a raw '"', '\', CR or LF is not allowed; escapes are \" \' \\ \n \r \t (Milvus Lite knows no
 * others). We escape exactly those five characters; everything else (unicode, ']', ')', "or") is
 * literal text.
 */
public final class FilterExpressions {
    private FilterExpressions() {}

    /** A double-quoted Milvus string literal whose value is exactly {@code value}. */
    public static String literal(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** {@code ["a", "b"]} */
    public static String literalList(Collection<String> values) {
        return values.stream()
                .map(FilterExpressions::literal)
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * Chunks of {@code docId} not written by this upsert: another version, or (same version re-sent
     * shorter) an index past the new chunk count.
     */
    public static String staleChunks(String docId, long version, int chunkCount) {
        return "("
                + DOC_ID
                + " == "
                + literal(docId)
                + " and ("
                + DOC_VERSION
                + " != "
                + version
                + " or "
                + CHUNK_INDEX
                + " >= "
                + chunkCount
                + "))";
    }

    /** Every chunk of the given documents. */
    public static String allChunksOf(Collection<String> docIds) {
        return DOC_ID + " in " + literalList(docIds);
    }

    /**
     * Chunks a question with these (validated, non-empty) groups may read: the acl shares a group,
     * or, when empty acls are public, the acl is empty.
     */
    public static String aclFilter(Collection<String> groups, boolean emptyAclIsPublic) {
        String any = "ARRAY_CONTAINS_ANY(" + ACL + ", " + literalList(groups) + ")";
        return emptyAclIsPublic ? "(" + any + " or " + publicOnly() + ")" : any;
    }

    /** Chunks with an empty acl. */
    public static String publicOnly() {
        return "array_length(" + ACL + ") == 0";
    }
}
