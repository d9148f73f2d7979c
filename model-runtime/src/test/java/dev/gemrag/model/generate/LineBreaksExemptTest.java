package dev.gemrag.model.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.TextTokenizer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The demo's grep answer came out as "...pattern:\n```bash# grep -E ..." because the repetition
 * penalty (1.3, the answer default) counted the reply's first line break against the second: the
 * newline after the fence's language tag lost to "#". Line-break tokens are now left out of the
 * repetition controls; every other token is still penalised.
 */
class LineBreaksExemptTest {
    /** Pieces of the real completion, one token each. */
    private static final List<String> VOCAB =
            List.of(
                    " you",
                    " can",
                    " use",
                    " the",
                    " following",
                    " command",
                    ":",
                    "\n",
                    "```",
                    "bash",
                    "#",
                    " grep",
                    " -E",
                    "\n\n",
                    "  ");

    private static final TextTokenizer PIECES =
            new TextTokenizer() {
                @Override
                public int[] encode(String text) {
                    throw new UnsupportedOperationException("the test spells ids out");
                }

                @Override
                public String decode(int[] ids) {
                    StringBuilder s = new StringBuilder();
                    for (int id : ids) {
                        s.append(VOCAB.get(id));
                    }
                    return s.toString();
                }
            };

    /** The answer defaults: greedy, repetition penalty 1.3 over 64 tokens, DRY 0.8. */
    private static final GenerationParams ANSWER_DEFAULTS =
            GenerationParams.greedy(64).withPenalties(1.3f, 0f, 0f, 64).withDry(0.8f, 1.75f, 2);

    private static int id(String piece) {
        return VOCAB.indexOf(piece);
    }

    /** " you can use the following command:\n```bash", as ids: one line break so far. */
    private static int[] replyUpToTheFence() {
        return new int[] {
            id(" you"),
            id(" can"),
            id(" use"),
            id(" the"),
            id(" following"),
            id(" command"),
            id(":"),
            id("\n"),
            id("```"),
            id("bash")
        };
    }

    /** Logits where {@code best} leads {@code second} by less than the penalty's factor. */
    private static float[] logits(String best, String second) {
        float[] l = new float[VOCAB.size()];
        l[id(best)] = 2.4f;
        l[id(second)] = 2.0f;
        return l;
    }

    @Test
    void theLineBreakTokensAreTheWhiteSpacePiecesHoldingANewline() {
        assertThat(LineBreaksExempt.tokens(PIECES, VOCAB.size()))
                .containsExactly(id("\n"), id("\n\n"));
    }

    @Test
    void theNewlineAfterAFencesLanguageTagIsKept() {
        int[] history = replyUpToTheFence();
        int[] lineBreaks = LineBreaksExempt.tokens(PIECES, VOCAB.size());
        // the failure: the first newline of the reply penalises the second
        int before =
                new Sampler(ANSWER_DEFAULTS)
                        .sample(logits("\n", "#"), 0, VOCAB.size(), history, history.length);
        assertThat(PIECES.decode(append(history, before))).endsWith("```bash#");
        int after =
                new Sampler(ANSWER_DEFAULTS, lineBreaks)
                        .sample(logits("\n", "#"), 0, VOCAB.size(), history, history.length);
        assertThat(PIECES.decode(append(history, after)))
                .isEqualTo(" you can use the following command:\n```bash\n");
    }

    @Test
    void otherRepeatsAreStillPenalised() {
        int[] history = append(replyUpToTheFence(), id(" grep"));
        int next =
                new Sampler(ANSWER_DEFAULTS, LineBreaksExempt.tokens(PIECES, VOCAB.size()))
                        .sample(logits(" grep", "#"), 0, VOCAB.size(), history, history.length);
        assertThat(VOCAB.get(next)).isEqualTo("#");
    }

    private static int[] append(int[] ids, int id) {
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = id;
        return out;
    }
}
