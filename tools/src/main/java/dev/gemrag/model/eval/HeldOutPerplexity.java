package dev.gemrag.model.eval;

import dev.gemrag.model.gem.GemLanguageModel;
import java.util.Arrays;
import java.util.List;

/**
 * Per-token perplexity of a model on held-out lines, on the weights it generates with: each line
 * tokenized alone (no BOS), every token after the first predicted from the ones before it, the
 * negative log-likelihoods summed over all lines and divided by their token count. It is how the
 * issue's "held-out perplexity with the adapter <= 1.05x the base model's" is measured: an adapter
 * with {@code lora.positions = "all"} changes the generating weights, a summary-position one must
 * not.
 *
 * @param lines lines scored (those of at least two tokens)
 * @param tokens tokens predicted
 * @param perplexity exp(mean negative log-likelihood per predicted token)
 */
public record HeldOutPerplexity(int lines, long tokens, double perplexity) {

    /** Scores {@code texts} with {@code model}'s own scorer (the reranker's, one line a call). */
    public static HeldOutPerplexity of(GemLanguageModel model, List<String> texts) {
        double nll = 0;
        long tokens = 0;
        int lines = 0;
        for (String text : texts) {
            int[] ids = model.tokenizer().encode(text);
            if (ids.length < 2) {
                continue;
            }
            int[] rest = Arrays.copyOfRange(ids, 1, ids.length);
            // the scorer returns the mean log-probability: times the count gives the line's sum
            nll -= model.continuationLogProb(List.of(new int[] {ids[0]}), rest)[0] * rest.length;
            tokens += rest.length;
            lines++;
        }
        if (tokens == 0) {
            throw new IllegalArgumentException("no line has two tokens to score");
        }
        return new HeldOutPerplexity(lines, tokens, Math.exp(nll / tokens));
    }
}
