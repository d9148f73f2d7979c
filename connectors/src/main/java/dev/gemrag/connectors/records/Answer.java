package dev.gemrag.connectors.records;

import java.util.List;
import java.util.Map;

/** The answers topic record: {"question_id","answer","citations":[...],"model","timings_ms":{}}. */
public record Answer(
        String questionId, String answer, List<Citation> citations, String model, Map<String, Long> timingsMs) {
}
