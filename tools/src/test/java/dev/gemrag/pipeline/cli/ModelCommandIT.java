package dev.gemrag.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.fetch.DefaultModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code gemrag model} on the real default model, and its one-line error for a missing path. */
class ModelCommandIT {

    @Test
    void describesTheDefaultModelAndTokenizes() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new GemragCli());
        cli.setOut(new PrintWriter(out));
        int exit =
                cli.execute(
                        "model",
                        "--model",
                        DefaultModel.path().toString(),
                        "--tokenize",
                        "Hello world");
        assertThat(exit).isZero();
        assertThat(out.toString())
                .contains("sha256     " + DefaultModel.SHA256)
                .contains("llama, 30 layers, hidden 576, heads 9/3 x 64, ffn 1536, vocab 49152")
                .contains("rope INTERLEAVED")
                .contains("end-of-generation [2, 0]")
                .contains(
                        "ids        [19556, 905] (2 tokens)"); // llama.cpp's ids for "Hello world"
    }

    @Test
    void missingModelIsOneLineAndExitCodeOne() {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = GemragCli.run("model", "--model", "/nonexistent/model.gguf");
        } finally {
            System.setErr(saved);
        }
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo(
                        "gemrag: model not found: /nonexistent/model.gguf (from --model); give a .gguf file or a Hugging Face directory");
    }
}
