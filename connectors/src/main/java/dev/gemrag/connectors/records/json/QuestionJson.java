package dev.gemrag.connectors.records.json;

import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.gemrag.connectors.records.Question;
import dev.gemrag.connectors.records.RetrievalMode;

/**
 * The questions topic contract: {@code {"id","question","groups"?:[..],"top_k"?,"max_tokens"?,"retrieval_mode"?}},
 * UTF-8 JSON. The Kafka key is not read (any or none). Unknown fields, wrong types, a blank id or question, and
 * values over {@link RecordLimits} are rejected; top_k and max_tokens must be integers from 1 to their limit;
 * retrieval_mode must be {@code "dense"}, {@code "hybrid"} or {@code "sparse"}.
 */
public final class QuestionJson {
    private static final Set<String> FIELDS = Set.of("id", "question", "groups", "top_k", "max_tokens", "retrieval_mode");

    private QuestionJson() {}

    public static Question parse(byte[] value, RecordLimits limits) throws InvalidRecordException {
        if (value == null) {
            throw new InvalidRecordException("null value: a question needs a JSON body");
        }
        Fields f = new Fields(StrictJson.readObject(value), FIELDS);
        String id = f.requiredId("id", limits.maxIdBytes());
        String question = f.requiredText("question", limits.maxQuestionBytes());
        String[] groups = f.stringArray("groups", limits.maxGroups(), limits.maxGroupBytes());
        Integer topK = f.optionalInt("top_k", 1, limits.maxTopK());
        Integer maxTokens = f.optionalInt("max_tokens", 1, limits.maxMaxTokens());
        String mode = f.optionalString("retrieval_mode", 16);
        RetrievalMode retrievalMode = null;
        if (mode != null) {
            retrievalMode = RetrievalMode.fromWireName(mode);
            if (retrievalMode == null) {
                throw new InvalidRecordException("field 'retrieval_mode' must be \"dense\", \"hybrid\" or \"sparse\", got '"
                        + mode.replaceAll("\\p{Cntrl}", "?") + "'");
            }
        }
        return new Question(id, question, groups, topK, maxTokens, retrievalMode);
    }

    public static byte[] toBytes(Question q) {
        ObjectNode o = StrictJson.MAPPER.createObjectNode();
        o.put("id", q.id());
        o.put("question", q.question());
        if (q.groups() != null && q.groups().length > 0) {
            var groups = o.putArray("groups");
            for (String g : q.groups()) {
                groups.add(g);
            }
        }
        if (q.topK() != null) {
            o.put("top_k", q.topK());
        }
        if (q.maxTokens() != null) {
            o.put("max_tokens", q.maxTokens());
        }
        if (q.retrievalMode() != null) {
            o.put("retrieval_mode", q.retrievalMode().wireName());
        }
        return StrictJson.write(o);
    }
}
