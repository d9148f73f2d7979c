package dev.gemrag.connectors.records.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gemrag.connectors.records.Answer;
import dev.gemrag.connectors.records.Citation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The answers topic contract: {@code
 * {"question_id","answer","answered","citations":[{"doc_id","chunk_id","title","score"}],"sources":[same],
 * "model","timings_ms":{}}}. Written by the job; {@link #parse} is as strict as the other readers
 * (for clients and tests); it accepts records without "answered" and "sources" (written before they
 * existed).
 */
public final class AnswerJson {
    private static final Set<String> FIELDS =
            Set.of(
                    "question_id",
                    "answer",
                    "answered",
                    "citations",
                    "sources",
                    "model",
                    "timings_ms");
    private static final Set<String> CITATION_FIELDS =
            Set.of("doc_id", "chunk_id", "title", "score");
    private static final int NO_LIMIT = Integer.MAX_VALUE;

    private AnswerJson() {}

    public static byte[] toBytes(Answer a) {
        ObjectNode o = StrictJson.MAPPER.createObjectNode();
        o.put("question_id", a.questionId());
        o.put("answer", a.answer());
        o.put("answered", a.answered());
        writeCitations(o.putArray("citations"), a.citations());
        writeCitations(o.putArray("sources"), a.sources());
        o.put("model", a.model());
        ObjectNode timings = o.putObject("timings_ms");
        if (a.timingsMs() != null) {
            a.timingsMs().forEach(timings::put);
        }
        return StrictJson.write(o);
    }

    private static void writeCitations(
            com.fasterxml.jackson.databind.node.ArrayNode array, List<Citation> list) {
        if (list == null) {
            return;
        }
        for (Citation c : list) {
            ObjectNode co = array.addObject();
            co.put("doc_id", c.docId());
            co.put("chunk_id", c.chunkId());
            co.put("title", c.title());
            co.put("score", c.score());
        }
    }

    public static Answer parse(byte[] value) throws InvalidRecordException {
        if (value == null) {
            throw new InvalidRecordException("null value: an answer needs a JSON body");
        }
        Fields f = new Fields(StrictJson.readObject(value), FIELDS);
        String questionId = f.requiredString("question_id", NO_LIMIT);
        String answer = f.requiredString("answer", NO_LIMIT);
        String model = f.requiredString("model", NO_LIMIT);
        List<Citation> citations = citations("citations", f.raw("citations"));
        List<Citation> sources =
                f.has("sources") ? citations("sources", f.raw("sources")) : citations;
        JsonNode answeredNode = f.raw("answered");
        if (answeredNode != null && !answeredNode.isNull() && !answeredNode.isBoolean()) {
            throw new InvalidRecordException(
                    "field 'answered' must be a boolean, got " + Fields.typeName(answeredNode));
        }
        boolean answered =
                answeredNode == null || answeredNode.isNull()
                        ? !citations.isEmpty()
                        : answeredNode.booleanValue();
        JsonNode ts = f.raw("timings_ms");
        if (ts == null || !ts.isObject()) {
            throw new InvalidRecordException(
                    ts == null
                            ? "missing field 'timings_ms'"
                            : "field 'timings_ms' must be an object, got " + Fields.typeName(ts));
        }
        Map<String, Long> timings = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = ts.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isIntegralNumber() || !e.getValue().canConvertToLong()) {
                throw new InvalidRecordException(
                        "field 'timings_ms." + e.getKey() + "' must be an integer");
            }
            timings.put(e.getKey(), e.getValue().longValue());
        }
        return new Answer(questionId, answer, citations, model, timings, sources, answered);
    }

    private static List<Citation> citations(String field, JsonNode cs)
            throws InvalidRecordException {
        if (cs == null || !cs.isArray()) {
            throw new InvalidRecordException(
                    cs == null
                            ? "missing field '" + field + "'"
                            : "field '" + field + "' must be an array, got " + Fields.typeName(cs));
        }
        List<Citation> citations = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            JsonNode c = cs.get(i);
            if (!c.isObject()) {
                throw new InvalidRecordException(
                        "field '"
                                + field
                                + "["
                                + i
                                + "]' must be an object, got "
                                + Fields.typeName(c));
            }
            Fields cf = new Fields((ObjectNode) c, CITATION_FIELDS);
            JsonNode score = cf.raw("score");
            if (score == null || !score.isNumber()) {
                throw new InvalidRecordException(
                        "field '" + field + "[" + i + "].score' must be a number");
            }
            citations.add(
                    new Citation(
                            cf.requiredString("doc_id", NO_LIMIT),
                            cf.requiredString("chunk_id", NO_LIMIT),
                            cf.optionalString("title", NO_LIMIT),
                            score.floatValue()));
        }
        return citations;
    }
}
