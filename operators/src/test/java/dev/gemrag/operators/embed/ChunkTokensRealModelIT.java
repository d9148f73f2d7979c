package dev.gemrag.operators.embed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemrag.connectors.records.Chunk;
import dev.gemrag.connectors.records.Document;
import dev.gemrag.connectors.records.DocumentEvent;
import dev.gemrag.connectors.records.IndexAction;
import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.fetch.DefaultModel;
import dev.gemrag.model.gem.ModelRuntime;
import dev.gemrag.operators.chunk.Chunker;
import dev.gemrag.operators.chunk.DocumentChunker;
import dev.gemrag.operators.model.ModelClient;
import dev.gemrag.operators.model.SharedEngineModels;
import dev.gemrag.operators.testing.CollectingResult;
import dev.gemrag.operators.testing.DirectRuntime;
import dev.gemrag.operators.testing.KeyedModelSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The document path on the real default model: the chunk step encodes each chunk's embedding text
 * once, the embed step sends those ids through the shared engine, and the vectors equal embedding
 * the same texts. Prints what the ids cost a chunk record in Flink's serialised form (network and
 * the async operator's checkpointed in-flight records).
 */
class ChunkTokensRealModelIT {
    private static SharedEngineModels models;
    private static ModelClient client;

    @BeforeAll
    static void load() {
        models =
                new SharedEngineModels(
                        new KeyedModelSource(
                                "ChunkTokensRealModelIT",
                                () -> ModelRuntime.load(DefaultModel.path(), null)),
                        4096,
                        Duration.ofMillis(5));
        client = models.open();
    }

    @AfterAll
    static void release() {
        client.close();
    }

    private static List<DocumentEvent> pages(String... ids) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<DocumentEvent> out = new ArrayList<>();
        for (String line :
                Files.readAllLines(Path.of("..", "data", "samples-dev", "corpus.jsonl"))) {
            JsonNode n = json.readTree(line);
            if (List.of(ids).contains(n.get("_id").asText())) {
                out.add(
                        DocumentEvent.upsert(
                                new Document(
                                        n.get("_id").asText(),
                                        1,
                                        n.get("title").asText(),
                                        n.get("text").asText(),
                                        null,
                                        new String[] {"staff"},
                                        "{\"source\":\"man\"}")));
            }
        }
        return out;
    }

    @Test
    void chunksEmbeddedByTheirIdsEqualTheirTextsEmbedded() throws Exception {
        // the job's defaults: chunk.size 256, chunk.overlap 32, embed.max-input-tokens 512
        DocumentChunker chunker =
                new DocumentChunker(
                        new Chunker(client.tokenizer(), 256, 32),
                        text -> client.embeddingTokens(text, EmbedRole.DOCUMENT));
        EmbedDocumentFunction fn = new EmbedDocumentFunction(() -> client, 512);
        fn.setRuntimeContext(DirectRuntime.context());
        fn.open(DefaultOpenContext.INSTANCE);
        long withIds = 0;
        long withoutIds = 0;
        long embedded = 0;
        int chunks = 0;
        int tokens = 0;
        for (DocumentEvent page : pages("cat.1", "tar.1", "find.1")) {
            IndexAction cut = chunker.chunk(page);
            assertThat(cut.chunks).allSatisfy(c -> assertThat(c.tokens()).isNotEmpty());
            CollectingResult<IndexAction> r = new CollectingResult<>();
            fn.asyncInvoke(cut, r);
            IndexAction out = r.get().get(0);
            List<String> texts = cut.chunks.stream().map(EmbedText::of).toList();
            List<float[]> byText =
                    client.embed(texts, EmbedRole.DOCUMENT).get(300, TimeUnit.SECONDS);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(out.chunks.get(i).embedding())
                        .as("%s chunk %d", page.id(), i)
                        .hasSize(576)
                        .containsExactly(byText.get(i), Offset.offset(1e-5f));
                assertThat(out.chunks.get(i).tokens()).isNull();
            }
            withIds += serialisedSize(cut);
            withoutIds += serialisedSize(withoutTokens(cut));
            embedded += serialisedSize(out);
            chunks += cut.chunks.size();
            tokens += cut.chunks.stream().mapToInt(c -> c.tokens().length).sum();
        }
        fn.close();
        System.out.printf(
                "chunk records (Flink serialiser), %d chunks of %d tokens on average:%n"
                        + "  chunked, with ids     %6d bytes/chunk%n"
                        + "  chunked, without ids  %6d bytes/chunk%n"
                        + "  embedded (ids dropped) %5d bytes/chunk%n",
                chunks, tokens / chunks, withIds / chunks, withoutIds / chunks, embedded / chunks);
        // the ids cost 4 bytes a token (plus the array's length), and only before the embed step
        assertThat(withIds - withoutIds).isBetween(4L * tokens, 4L * tokens + 8L * chunks);
    }

    private static IndexAction withoutTokens(IndexAction a) {
        List<Chunk> plain = new ArrayList<>();
        for (Chunk c : a.chunks) {
            plain.add(
                    new Chunk(
                            c.chunkId(),
                            c.docId(),
                            c.docVersion(),
                            c.chunkIndex(),
                            c.title(),
                            c.text(),
                            c.acl(),
                            c.metadataJson()));
        }
        return IndexAction.chunked(a.docId, a.docVersion, plain);
    }

    private static long serialisedSize(IndexAction a) throws Exception {
        TypeSerializer<IndexAction> s =
                TypeInformation.of(IndexAction.class).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(4096);
        s.serialize(a, out);
        return out.length();
    }
}
