package dev.gemrag.model.gem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.Checkpoint;
import dev.gemrag.model.CheckpointLoader;
import dev.gemrag.model.families.FamilyFixture;
import dev.gemrag.model.generate.ChatTemplate;
import dev.gemrag.model.tokenizer.HfTextTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Generation stops on the token that closes an assistant turn in the model's own template. */
class TemplateEndOfTurnTest {
    @Test
    void theTemplatesEndOfTurnTokenBecomesAStopToken() {
        Checkpoint loaded = CheckpointLoader.load(FamilyFixture.load("qwen3").gguf());
        Checkpoint noStops =
                new Checkpoint(
                        loaded.source(),
                        loaded.sha256(),
                        loaded.config(),
                        loaded.weights(),
                        loaded.tokenizerJson(),
                        loaded.chatTemplate(),
                        loaded.bosTokenId(),
                        List.of());
        try (HfTextTokenizer tok = HfTextTokenizer.of(loaded)) {
            ChatTemplate template = ModelRuntime.chatTemplate(noStops, tok);
            Checkpoint withStop = ModelRuntime.withEndOfTurn(noStops, template, tok);
            assertThat(withStop.eosTokenIds())
                    .containsExactly(tok.specialTokens().id("<|im_end|>"));
            assertThat(ModelRuntime.withEndOfTurn(withStop, template, tok)).isSameAs(withStop);
        }
    }
}
