package dev.gemrag.connectors.records.json;

import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.gemrag.connectors.records.Question;

/**
 * The questions topic contract: {@code {"id","question","groups"?:[..],"top_k"?,"max_tokens"?}}, UTF-8 JSON.
 * The Kafka key is not read (any or none). Unknown fields, wrong types, a blank id or question, and values
 * over {@link RecordLimits} are rejected; top_k and max_tokens must be integers from 1 to their limit.
 */
public final class QuestionJson {
    private static final Set<String> FIELDS = Set.of("id", "question", "groups", "top_k", "max_tokens");

    private QuestionJson() {}

    public static Question parse(byte[] value, RecordLimits limits) throws InvalidRecordException {
        if (value == null) {
            throw new InvalidRecordException("null value: a question needs a JSON body");
        }
        Fields f = new Fields(StrictJson.readObject(value), FIELDS);
        String id = f.requiredId("id", limits.maxIdBytes());
        String question = f.requiredText("question", limits.maxQuestionBytes());
        String[] groups = f.stringArray("groups", limits.maxGroups(), limits.maxGroupBytes());
        rejectControlCharacters(groups);
        Integer topK = f.optionalInt("top_k", 1, limits.maxTopK());
        Integer maxTokens = f.optionalInt("max_tokens", 1, limits.maxMaxTokens());
        return new Question(id, question, groups, topK, maxTokens);
    }

    /**
     * A group name asked for with a control character can match no stored acl on purpose and would be
     * refused by the retriever later: a bad question, so a dead letter now rather than an answer.
     */
    private static void rejectControlCharacters(String[] groups) throws InvalidRecordException {
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            for (int c = 0; c < g.length(); c++) {
                if (Character.isISOControl(g.charAt(c))) {
                    throw new InvalidRecordException("field 'groups[" + i + "]' contains control character U+"
                            + String.format("%04X", (int) g.charAt(c)));
                }
            }
        }
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
        return StrictJson.write(o);
    }
}
