package dev.gemrag.model.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default model decoding greedily falls into a loop on a grounded question laid out as the
 * pipeline lays it out (the demo's shred question with the start of its man page; issue 10 quotes
 * the same loop); the repetition controls with the pipeline's defaults (repetition penalty 1.3 over
 * the last 64 generated tokens, DRY 0.8 / 1.75 / 2) keep the same prompt loop-free, and every
 * control alone changes the greedy text. A loop = some word 4-gram three times, as {@code gemrag
 * eval-answers} counts it.
 */
class RealModelRepetitionIT {
    private static final String INSTRUCTION =
            "Answer the question in one or two short sentences, using only the "
                    + "numbered sources. Name the source that answers it by its title and cite it as [1] or [2]. If the sources "
                    + "do not contain the answer, say: The sources do not contain the answer.";
    private static final String SHRED =
            "Overwrite the specified FILE(s) repeatedly, in order to make it harder for even "
                    + "very expensive hardware probing to recover the data. If FILE is -, shred standard output. Mandatory "
                    + "arguments to long options are mandatory for short options too. -f, --force change permissions to allow "
                    + "writing if necessary -n, --iterations=N overwrite N times instead of the default (3) --random-source=FILE "
                    + "get random bytes from FILE -s, --size=N shred this many bytes (suffixes like K, M, G accepted) -u "
                    + "deallocate and remove file after overwriting";
    private static final String QUESTION =
            "Sources:\n\n[1] shred\n"
                    + SHRED
                    + "\n\nQuestion: How can I overwrite a file so its contents cannot be recovered?";
    private static final int TOKENS = 160; // long enough for greedy decoding to show its loop
    private static RealModel model;
    private static String prompt;

    @BeforeAll
    static void load() {
        model = RealModel.get();
        prompt =
                model.chat.render(
                        List.of(ChatMessage.system(INSTRUCTION), ChatMessage.user(QUESTION)));
    }

    private static String generate(GenerationParams p) {
        GenerationResult r = model.generator.generate(List.of(prompt), p).get(0);
        System.out.printf("%s%n  -> %s%n", p, r.text().replace('\n', ' '));
        return r.text();
    }

    static boolean loops(String text) {
        List<String> w =
                Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                        .filter(s -> !s.isEmpty())
                        .toList();
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + 4 <= w.size(); i++) {
            if (counts.merge(w.subList(i, i + 4), 1, Integer::sum) >= 3) {
                return true;
            }
        }
        return false;
    }

    @Test
    void greedyLoopsAndTheDefaultControlsStopIt() {
        GenerationParams greedy = GenerationParams.greedy(TOKENS);
        assertThat(loops(generate(greedy))).as("greedy decoding loops on this prompt").isTrue();
        GenerationParams defaults = greedy.withPenalties(1.3f, 0f, 0f, 64).withDry(0.8f, 1.75f, 2);
        assertThat(loops(generate(defaults))).as("with the default controls").isFalse();
        // the same settings give the same text (greedy: no randomness; the controls are
        // deterministic)
        assertThat(generate(defaults)).isEqualTo(generate(defaults));
    }

    @Test
    void eachControlAloneChangesTheGreedyText() {
        GenerationParams greedy = GenerationParams.greedy(TOKENS);
        String plain = generate(greedy);
        assertThat(generate(greedy.withPenalties(1.3f, 0f, 0f, 0))).isNotEqualTo(plain);
        assertThat(generate(greedy.withPenalties(1f, 0.5f, 0.5f, 0))).isNotEqualTo(plain);
        assertThat(generate(greedy.withNoRepeatNgram(3))).isNotEqualTo(plain);
        assertThat(generate(greedy.withDry(0.8f, 1.75f, 2))).isNotEqualTo(plain);
    }

    @Test
    void seededSamplingWithTheControlsIsRepeatable() {
        GenerationParams p =
                new GenerationParams(32, 0.8f, 0.95f, 7)
                        .withSampling(0.8f, 0.95f, 40, 0.05f, 7)
                        .withPenalties(1.1f, 0f, 0f, 64)
                        .withDry(0.8f, 1.75f, 2);
        assertThat(generate(p)).isEqualTo(generate(p));
    }
}
