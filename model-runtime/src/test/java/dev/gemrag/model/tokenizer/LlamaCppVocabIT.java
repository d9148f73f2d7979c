package dev.gemrag.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gemrag.model.gguf.GgufFile;
import dev.gemrag.model.gguf.GgufReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * llama.cpp's own tokenizer test vectors ({@code models/ggml-vocab-NAME.gguf} with {@code
 * .inp}/{@code .out}) for the vocabularies of the supported families: llama-bpe (Llama 3.x,
 * SmolLM3) and qwen2 (Qwen2, Qwen3). Our GGUF vocabulary converter + DJL's HF tokenizers must give
 * exactly the {@code .out} ids for every {@code .inp} text.
 *
 * <p>The vocab files (6-8 MB each, MIT, from the llama-cpp-python 0.3.36 sdist) are read from
 * {@code -Dgemrag.llamacpp.models} or, by default, the sdist {@link LlamaCppSdist} fetches once
 * with pip and unpacks under ~/.cache/gemrag/sdist; skipped, with the reason, only when that fails.
 */
class LlamaCppVocabIT {
    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    @ParameterizedTest
    @ValueSource(strings = {"llama-bpe", "qwen2"})
    void idsEqualLlamaCppsForEveryTestLine(String vocab) throws IOException {
        String unavailable = LlamaCppSdist.ensure(List.of("llama-bpe", "qwen2"));
        assumeTrue(unavailable == null, unavailable);
        Path gguf = LlamaCppSdist.modelsDir().resolve("ggml-vocab-" + vocab + ".gguf");
        String[] inputs =
                Files.readString(Path.of(gguf + ".inp"), StandardCharsets.UTF_8)
                        .split(SEPARATOR, -1);
        List<String> outputs = Files.readAllLines(Path.of(gguf + ".out"), StandardCharsets.UTF_8);
        GgufFile file = GgufReader.read(gguf);
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        try (HfTextTokenizer tok =
                HfTextTokenizer.fromJson(
                        GgufTokenizerConverter.toTokenizerJson(file.metadata(), gguf))) {
            for (int i = 0; i < outputs.size(); i++) {
                String input = inputs[i];
                int[] expected =
                        outputs.get(i).isBlank()
                                ? new int[0]
                                : Arrays.stream(outputs.get(i).trim().split(" "))
                                        .mapToInt(Integer::parseInt)
                                        .toArray();
                int[] ours = tok.encode(input);
                checked++;
                if (!Arrays.equals(ours, expected)) {
                    mismatches.add(
                            "line "
                                    + i
                                    + " "
                                    + Arrays.toString(
                                            input.getBytes(StandardCharsets.UTF_8).length > 40
                                                    ? new String[] {
                                                        input.substring(
                                                                0, Math.min(20, input.length()))
                                                    }
                                                    : new String[] {input})
                                    + ": ours "
                                    + Arrays.toString(ours)
                                    + " llama.cpp "
                                    + Arrays.toString(expected));
                }
            }
        }
        assertThat(checked).isEqualTo(outputs.size()).isGreaterThan(40);
        assertThat(inputs.length)
                .as("texts, plus the empty piece after the file's last separator")
                .isEqualTo(outputs.size() + 1);
        assertThat(mismatches).as(vocab).isEmpty();
    }
}
