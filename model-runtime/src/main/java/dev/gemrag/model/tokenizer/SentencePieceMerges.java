package dev.gemrag.model.tokenizer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BPE merges equivalent to SentencePiece's score-driven merging: SentencePiece (and llama.cpp)
 * repeatedly joins the adjacent pair whose joined piece has the highest score, so each vocabulary
 * piece that splits into two vocabulary pieces becomes a merge ranked by its own score.
 */
final class SentencePieceMerges {
    private SentencePieceMerges() {}

    static ArrayNode derive(List<String> tokens, float[] scores, int[] types) {
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            ids.putIfAbsent(tokens.get(i), i);
        }
        record Merge(String left, String right, float score, int mergedId, int leftId) {}
        List<Merge> merges = new ArrayList<>();
        for (int id = 0; id < tokens.size(); id++) {
            if (types != null
                    && types[id] != GgufTokenType.NORMAL
                    && types[id] != GgufTokenType.USER_DEFINED) {
                continue;
            }
            String piece = tokens.get(id);
            int[] cps = piece.codePoints().toArray();
            for (int cut = 1; cut < cps.length; cut++) {
                String left = new String(cps, 0, cut);
                String right = new String(cps, cut, cps.length - cut);
                Integer l = ids.get(left);
                if (l != null && ids.containsKey(right)) {
                    merges.add(new Merge(left, right, scores[id], id, l));
                }
            }
        }
        merges.sort(
                Comparator.comparingDouble((Merge m) -> -m.score())
                        .thenComparingInt(Merge::mergedId)
                        .thenComparingInt(Merge::leftId));
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (Merge m : merges) {
            out.addArray().add(m.left()).add(m.right());
        }
        return out;
    }
}
