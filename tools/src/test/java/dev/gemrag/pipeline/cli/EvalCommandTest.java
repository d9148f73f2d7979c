package dev.gemrag.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.connectors.milvus.FusionMethod;
import dev.gemrag.pipeline.config.GemragConfig;
import dev.gemrag.pipeline.config.GemragOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** eval's chunking and retrieval options are the job's keys: their help, defaults and bounds. */
class EvalCommandTest {
    private static GemragConfig settings(String... args) {
        CommandLine cli = new CommandLine(new EvalCommand());
        cli.parseArgs(args);
        return EvalCommand.SETTINGS.config(cli.getCommandSpec());
    }

    @Test
    void theHelpShowsEachKeyWithItsDescriptionAndDefault() {
        CommandLine cli = new CommandLine(new EvalCommand());
        cli.setUsageHelpWidth(240); // one line per option description
        String help = cli.getUsageMessage();
        assertThat(help)
                .contains("--dense-weight=retrieval.dense-weight")
                .contains("--rerank-chunk-tokens=retrieval.rerank-chunk-tokens")
                .contains("--chunk-overlap=chunk.overlap")
                .contains("(default: weighted)")
                .contains("Tokens of each candidate's text the llm reranker reads");
    }

    @Test
    void givenValuesSetTheirKeysAndTheRestKeepTheJobsDefaults() {
        GemragConfig c = settings("--data", "d", "--fusion", "rrf", "--chunk-size", "128");
        assertThat(c.get(GemragOptions.RETRIEVAL_FUSION)).isEqualTo(FusionMethod.RRF);
        assertThat(c.get(GemragOptions.CHUNK_SIZE)).isEqualTo(128);
        assertThat(c.get(GemragOptions.RETRIEVAL_DENSE_WEIGHT))
                .isEqualTo(GemragOptions.RETRIEVAL_DENSE_WEIGHT.defaultValue());
        assertThat(c.get(GemragOptions.RETRIEVAL_RERANK_CANDIDATES))
                .isEqualTo(GemragOptions.RETRIEVAL_RERANK_CANDIDATES.defaultValue());
    }

    @Test
    void aBadValueIsRefusedAsTheJobRefusesItNamingTheOption() {
        assertThatThrownBy(() -> settings("--data", "d", "--rerank-chunk-tokens", "4"))
                .hasMessageContaining("'retrieval.rerank-chunk-tokens'")
                .hasMessageContaining("(from --rerank-chunk-tokens)");
        assertThatThrownBy(() -> settings("--data", "d", "--fusion", "max"))
                .hasMessageContaining("'retrieval.fusion'");
        assertThatThrownBy(() -> settings("--data", "d", "--rerank-weight", "1.5"))
                .hasMessageContaining("'retrieval.rerank-weight'")
                .hasMessageContaining("(from --rerank-weight)");
    }

    @Test
    void aSweepWeightOutsideZeroToOneIsRefusedAsTheJobRefusesIt() {
        assertThat(evalError("--configs", "hybrid-rerank", "--rerank-weights", "0.5,1.5"))
                .contains("'retrieval.rerank-weight'")
                .contains("(from --rerank-weights)");
    }

    @Test
    void anUnknownSweepNormalisationIsRefusedNamingTheChoices() {
        assertThat(
                        evalError(
                                "--configs",
                                "hybrid",
                                "--dense-weights",
                                "0.5",
                                "--normalizations",
                                "job,l2"))
                .contains(
                        "unknown score normalisation 'l2'; choose from [min-max, z-score, rank,"
                                + " max]");
        assertThat(evalError("--configs", "hybrid", "--bm25-normalization", "l2"))
                .contains("retrieval.bm25-normalization");
    }

    /** The one-line error of {@code ./gemrag eval --data data/man-dev ARGS}. */
    private static String evalError(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "eval";
        all[1] = "--data";
        all[2] = "../data/man-dev";
        System.arraycopy(args, 0, all, 3, args.length);
        return CliErrors.runExpectingError(all);
    }
}
