package dev.gemrag.pipeline.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.model.fetch.DefaultModel;
import dev.gemrag.model.gem.ModelRuntime;
import dev.gemrag.model.tokenizer.HfTextTokenizer;
import dev.gemrag.operators.chunk.Chunker;
import dev.gemrag.pipeline.samples.Samples;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The chunker with the default model's own tokenizer, on the shipped sample documents. */
class ChunkerWithModelTokenizerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static HfTextTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = HfTextTokenizer.of(ModelRuntime.loadCheckpoint(DefaultModel.path()));
    }

    @AfterAll
    static void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    private static String words(String s) {
        return String.join(" ", s.strip().split("\\s+"));
    }

    @Test
    void sampleDocumentsFitTheBudgetAndLoseNothing() throws Exception {
        Chunker chunker = new Chunker(tokenizer, 96, 0);
        int multi = 0;
        for (Samples.SampleDocument d : Samples.documents()) {
            String text = JSON.readTree(d.json()).path("text").asText();
            List<String> chunks = chunker.split(text);
            assertThat(chunks).as(d.id()).isNotEmpty();
            for (String c : chunks) {
                assertThat(tokenizer.count(c))
                        .as("tokens in a chunk of %s", d.id())
                        .isBetween(1, 96);
            }
            // Without overlap the chunks are the text, cut only at whitespace.
            assertThat(words(String.join(" ", chunks))).as(d.id()).isEqualTo(words(text));
            multi += chunks.size() > 1 ? 1 : 0;
        }
        assertThat(multi).as("documents that needed several chunks").isGreaterThan(10);
    }

    @Test
    void prefersSentenceEndsAndOverlapsWithWholeSentences() {
        String text =
                "The cp command copies files. It can copy directories recursively with -r. "
                        + "Attributes are preserved with -p. Links can be followed or kept. Existing files are overwritten "
                        + "unless -n is given. Backups of destination files are made with --backup. The target directory "
                        + "can be named first with -t. Sparse files are detected and kept sparse by default.";
        List<String> chunks = new Chunker(tokenizer, 32, 12).split(text);
        assertThat(chunks).hasSizeGreaterThan(2);
        for (int i = 0; i < chunks.size(); i++) {
            assertThat(tokenizer.count(chunks.get(i))).isLessThanOrEqualTo(32);
            assertThat(chunks.get(i)).as("chunk %d ends at a sentence end", i).endsWith(".");
        }
        for (int i = 1; i < chunks.size(); i++) {
            String prev = chunks.get(i - 1);
            String lastSentence = prev.substring(prev.lastIndexOf(". ", prev.length() - 2) + 2);
            if (tokenizer.count(" " + lastSentence) <= 12) {
                assertThat(chunks.get(i))
                        .as("chunk %d repeats the last sentence of chunk %d", i, i - 1)
                        .startsWith(lastSentence);
            }
        }
    }
}
