package dev.gemrag.pipeline.cli;

import dev.gemrag.annotations.PublicApi;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code ./gemrag}. Each subcommand is its own class in this package; register it in
 * {@code subcommands} below.
 */
@Command(
        name = "gemrag",
        mixinStandardHelpOptions = true,
        versionProvider = GemragCli.Version.class,
        description = "Streaming RAG on Flink where one LLM both embeds (GEM) and generates.",
        subcommands = {
            CommandLine.HelpCommand.class,
            DemoCommand.class,
            RunCommand.class,
            IngestCommand.class,
            DeleteCommand.class,
            AskCommand.class,
            BenchPipelineCommand.class,
            ModelCommand.class,
            EmbedCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            BenchEmbedCommand.class,
            BenchSinkCommand.class,
            GenerateCommand.class,
            BenchCommand.class,
            EvalAnswersCommand.class,
            EvalPerplexityCommand.class,
            SoakCommand.class
        })
@PublicApi
public final class GemragCli {
    /**
     * gRPC inside the Milvus SDK logs through java.util.logging to stderr; held so the level
     * sticks.
     */
    private static final java.util.logging.Logger GRPC_LOG =
            java.util.logging.Logger.getLogger("io.milvus");

    public static void main(String[] args) {
        GRPC_LOG.setLevel(java.util.logging.Level.SEVERE);
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code; bad arguments print one line, not a stack trace. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new GemragCli());
        cli.setParameterExceptionHandler(
                (ex, a) -> {
                    ex.getCommandLine()
                            .getErr()
                            .println(
                                    "gemrag: "
                                            + ex.getMessage()
                                            + " (see '"
                                            + ex.getCommandLine().getCommandSpec().qualifiedName()
                                            + " --help')");
                    return 2;
                });
        cli.setExecutionExceptionHandler(
                (ex, cmd, parsed) -> {
                    cmd.getErr().println("gemrag: " + UserFacingError.describe(ex));
                    return 1;
                });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = GemragCli.class.getPackage().getImplementationVersion();
            return new String[] {"gemrag " + (v == null ? "dev" : v)};
        }
    }
}
