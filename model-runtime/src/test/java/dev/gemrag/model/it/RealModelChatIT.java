package dev.gemrag.model.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.ChatMessage;
import dev.gemrag.model.GenerationParams;
import dev.gemrag.model.GenerationResult;
import dev.gemrag.model.generate.Generator;
import dev.gemrag.model.llama.compiled.WeightFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chat through the model's own template, greedy, against what llama.cpp replies (fixtures).
 *
 * <p>Why a system turn in the Paris test: without one, SmolLM2's template inserts its default
 * system turn ("You are a helpful AI assistant named SmolLM, ..."), and with it this 135M model
 * answers "The capital of France is" with a French-sounding non-answer, in llama.cpp too (Q4_1:
 * "L'Allema de France, ...", F32 copy: "L'aujourcé! ..."). With "You are a helpful assistant."
 * llama.cpp says "The capital of France is Paris." on both files.
 */
class RealModelChatIT {
    private static final String QUESTION = "The capital of France is";
    private static RealModel model;

    @BeforeAll
    static void load() {
        model = RealModel.get();
    }

    @Test
    void capitalOfFranceIsParis() {
        String prompt =
                model.chat.render(
                        List.of(
                                ChatMessage.system("You are a helpful assistant."),
                                ChatMessage.user(QUESTION)));
        GenerationResult r =
                model.generator.generate(List.of(prompt), GenerationParams.greedy(32)).get(0);
        System.out.printf(
                "chat reply (%d prompt tokens, %d new, %s): %s%n",
                r.promptTokens(), r.tokens().size(), r.finishReason(), r.text());
        assertThat(prompt).startsWith("<|im_start|>system\n").endsWith("<|im_start|>assistant\n");
        assertThat(r.text()).contains("Paris");
    }

    @Test
    void withTheTemplatesDefaultSystemTurnWeReplyWhatLlamaCppReplies() {
        // Same weights in FP32 on both sides: template, tokenizer, forward and greedy decoding must
        // all match for the 48-token replies to be equal. The eager forward is the FP32 side here;
        // the serving path is held to it below.
        String expected =
                LlamaCppReference.load(LlamaCppReference.F32).parisReplies().get("default_system");
        String prompt = model.chat.render(List.of(ChatMessage.user(QUESTION)));
        GenerationResult fp32 =
                new Generator(model.llama, model.tokenizer, model.checkpoint.eosTokenIds())
                        .generate(List.of(prompt), GenerationParams.greedy(48))
                        .get(0);
        GenerationResult r =
                model.generator.generate(List.of(prompt), GenerationParams.greedy(48)).get(0);
        System.out.printf(
                "default system turn: ours %s (%s)%n                     FP32 %s%n"
                        + "                     llama.cpp %s%n",
                r.text(), WeightFormat.configured(), fp32.text(), expected);
        assertThat(prompt).contains("You are a helpful AI assistant named SmolLM");
        assertThat(fp32.text()).isEqualTo(expected);
        int n = firstDifference(r.tokens(), fp32.tokens());
        if (n < Math.max(r.tokens().size(), fp32.tokens().size())) {
            // only a format that rounds activations to BF16 may leave FP32's reply, and only where
            // FP32's own choice was a near tie
            double lead = fp32Leads(prompt, fp32)[n];
            System.out.printf(
                    "the reply leaves FP32's at token %d, where FP32 leads by %.4f%n", n, lead);
            assertThat(TokenScores.roundsActivations(WeightFormat.configured()))
                    .as("%s leaves FP32's reply at token %d", WeightFormat.configured(), n)
                    .isTrue();
            assertThat(lead).as("FP32's lead at token %d", n).isLessThan(TokenScores.NEAR_TIE);
        }
    }

    private static int firstDifference(List<Integer> a, List<Integer> b) {
        int n = 0;
        while (n < a.size() && n < b.size() && a.get(n).equals(b.get(n))) {
            n++;
        }
        return n;
    }

    /** FP32's lead of its chosen reply token over the runner-up, per reply token. */
    private static double[] fp32Leads(String prompt, GenerationResult fp32) {
        int[] promptIds = model.tokenizer.encode(prompt);
        int[] ids = new int[promptIds.length + fp32.tokens().size()];
        System.arraycopy(promptIds, 0, ids, 0, promptIds.length);
        for (int i = 0; i < fp32.tokens().size(); i++) {
            ids[promptIds.length + i] = fp32.tokens().get(i);
        }
        double[] lead = TokenScores.causal(model.llama, ids).lead();
        // position promptIds.length - 1 + n predicts reply token n
        double[] reply = new double[fp32.tokens().size() + 1];
        System.arraycopy(lead, promptIds.length - 1, reply, 0, fp32.tokens().size());
        reply[fp32.tokens().size()] = Double.POSITIVE_INFINITY; // past FP32's end: not a tie
        return reply;
    }
}
