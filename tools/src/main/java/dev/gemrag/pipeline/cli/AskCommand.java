package dev.gemrag.pipeline.cli;

import dev.gemrag.pipeline.client.AnswerReply;
import dev.gemrag.pipeline.client.QuestionClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "ask",
        mixinStandardHelpOptions = true,
        description =
                "Send a question to the questions topic and print its answer (the job must run in mode query or both).")
public final class AskCommand implements Callable<Integer> {
    @Mixin ConfigMixin config;

    @Parameters(index = "0", paramLabel = "QUESTION", description = "The question.")
    String question;

    @Option(
            names = {"-g", "--groups"},
            split = ",",
            paramLabel = "GROUP",
            description = "Your groups (acl), comma-separated.")
    List<String> groups = new ArrayList<>();

    @Option(names = "--top-k", description = "Chunks to retrieve (default: answer.top-k).")
    Integer topK;

    @Option(
            names = "--max-tokens",
            description = "Answer length limit (default: answer.max-tokens).")
    Integer maxTokens;

    @Option(
            names = "--timeout",
            defaultValue = "180",
            description = "Seconds to wait for the answer (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        try (QuestionClient client = new QuestionClient(config.load())) {
            String id = client.send("ask-" + UUID.randomUUID(), question, groups, topK, maxTokens);
            AnswerReply a = client.await(id, Duration.ofSeconds(timeoutSeconds));
            System.out.println(a.render());
        }
        return 0;
    }
}
