package dev.gemrag.connectors.records.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.connectors.records.AnswerFrame;
import dev.gemrag.connectors.records.AnswerOverrides;
import dev.gemrag.connectors.records.Question;
import dev.gemrag.connectors.records.RerankMode;
import dev.gemrag.connectors.records.RetrievalMode;
import dev.gemrag.connectors.records.SamplingOverrides;
import java.util.Set;

/**
 * The questions topic contract: {@code
 * {"id","question","groups"?:[..],"top_k"?,"max_tokens"?,"retrieval_mode"?}} plus optional sampling
 * overrides {@code "temperature"? (0..5), "top_p"? (0..1], "min_p"? [0..1), "seed"? (integer),
 * "repetition_penalty"? (0..10], "frequency_penalty"? and "presence_penalty"? [-2..2],
 * "no_repeat_ngram"? (0..16), "dry_multiplier"? [0..100]}, plus optional answer-path overrides
 * {@code "rerank"? ("off" | "llm" | "auto"), "answer_frame"? ("none" | "title" | "according_to")},
 * UTF-8 JSON. The Kafka key is not read (any or none). Unknown fields, wrong types, a blank id or
 * question, and values over {@link RecordLimits} or outside these ranges are rejected; top_k and
 * max_tokens must be integers from 1 to their limit; retrieval_mode must be {@code "dense"}, {@code
 * "hybrid"} or {@code "sparse"}.
 */
public final class QuestionJson {
    private static final Set<String> FIELDS =
            Set.of(
                    "id",
                    "question",
                    "groups",
                    "top_k",
                    "max_tokens",
                    "temperature",
                    "top_p",
                    "min_p",
                    "seed",
                    "repetition_penalty",
                    "frequency_penalty",
                    "presence_penalty",
                    "no_repeat_ngram",
                    "dry_multiplier",
                    "retrieval_mode",
                    "rerank",
                    "answer_frame");

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
        SamplingOverrides sampling =
                new SamplingOverrides(
                        f.optionalFloat("temperature", 0, true, 5, true),
                        f.optionalFloat("top_p", 0, false, 1, true),
                        f.optionalFloat("min_p", 0, true, 1, false),
                        f.optionalLong("seed"),
                        f.optionalFloat("repetition_penalty", 0, false, 10, true),
                        f.optionalFloat("frequency_penalty", -2, true, 2, true),
                        f.optionalFloat("presence_penalty", -2, true, 2, true),
                        f.optionalInt("no_repeat_ngram", 0, 16),
                        f.optionalFloat("dry_multiplier", 0, true, 100, true));
        String mode = f.optionalString("retrieval_mode", 16);
        RetrievalMode retrievalMode = null;
        if (mode != null) {
            retrievalMode = RetrievalMode.fromWireName(mode);
            if (retrievalMode == null) {
                throw new InvalidRecordException(
                        "field 'retrieval_mode' must be \"dense\", \"hybrid\" or \"sparse\", got '"
                                + mode.replaceAll("\\p{Cntrl}", "?")
                                + "'");
            }
        }
        AnswerOverrides answer = new AnswerOverrides(rerank(f), frame(f));
        return new Question(
                id,
                question,
                groups,
                topK,
                maxTokens,
                sampling.isEmpty() ? null : sampling,
                retrievalMode,
                answer.isEmpty() ? null : answer);
    }

    private static RerankMode rerank(Fields f) throws InvalidRecordException {
        String s = f.optionalString("rerank", 16);
        RerankMode m = s == null ? null : RerankMode.fromWireName(s);
        if (s != null && m == null) {
            throw new InvalidRecordException(
                    "field 'rerank' must be \"off\", \"llm\" or \"auto\", got '"
                            + s.replaceAll("\\p{Cntrl}", "?")
                            + "'");
        }
        return m;
    }

    private static AnswerFrame frame(Fields f) throws InvalidRecordException {
        String s = f.optionalString("answer_frame", 16);
        AnswerFrame m = s == null ? null : AnswerFrame.fromWireName(s);
        if (s != null && m == null) {
            throw new InvalidRecordException(
                    "field 'answer_frame' must be \"none\", \"title\" or \"according_to\", got '"
                            + s.replaceAll("\\p{Cntrl}", "?")
                            + "'");
        }
        return m;
    }

    private static void putIfSet(ObjectNode o, String name, Float value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    /**
     * A group name asked for with a control character can match no stored acl on purpose and would
     * be refused by the retriever later: a bad question, so a dead letter now rather than an
     * answer.
     */
    private static void rejectControlCharacters(String[] groups) throws InvalidRecordException {
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            for (int c = 0; c < g.length(); c++) {
                if (Character.isISOControl(g.charAt(c))) {
                    throw new InvalidRecordException(
                            "field 'groups["
                                    + i
                                    + "]' contains control character U+"
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
        SamplingOverrides s = q.sampling();
        if (s != null) {
            putIfSet(o, "temperature", s.temperature());
            putIfSet(o, "top_p", s.topP());
            putIfSet(o, "min_p", s.minP());
            if (s.seed() != null) {
                o.put("seed", s.seed());
            }
            putIfSet(o, "repetition_penalty", s.repetitionPenalty());
            putIfSet(o, "frequency_penalty", s.frequencyPenalty());
            putIfSet(o, "presence_penalty", s.presencePenalty());
            if (s.noRepeatNgram() != null) {
                o.put("no_repeat_ngram", s.noRepeatNgram());
            }
            putIfSet(o, "dry_multiplier", s.dryMultiplier());
        }
        if (q.retrievalMode() != null) {
            o.put("retrieval_mode", q.retrievalMode().wireName());
        }
        if (q.answer() != null && q.answer().rerank() != null) {
            o.put("rerank", q.answer().rerank().wireName());
        }
        if (q.answer() != null && q.answer().frame() != null) {
            o.put("answer_frame", q.answer().frame().wireName());
        }
        return StrictJson.write(o);
    }
}
