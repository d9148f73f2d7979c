package dev.gemrag.connectors.milvus;

import dev.gemrag.connectors.records.Chunk;
import dev.gemrag.connectors.records.IndexAction;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.utility.request.DropAliasReq;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * Sink throughput: rows/s the sink writer gets into a Milvus server (upsert + stale-chunk delete
 * per document, as in production) at several batch sizes, each into a fresh collection; plus, as
 * the reference measured in the same run, plain client upserts (no delete step) at the largest
 * batch. Used by {@code gemrag bench-sink}.
 */
public final class MilvusSinkBenchmark {
    /** One measured configuration. */
    public record Result(String mode, int batchRows, int rows, double seconds) {
        public double rowsPerSecond() {
            return rows / seconds;
        }
    }

    private final MilvusConnection connection;
    private final int dimension;
    private final int chunksPerDoc;

    public MilvusSinkBenchmark(MilvusConnection connection, int dimension, int chunksPerDoc) {
        this.connection = connection;
        this.dimension = dimension;
        this.chunksPerDoc = chunksPerDoc;
    }

    /**
     * The sink writer at the given batch size, writing {@code rows} rows (rounded up to whole
     * documents).
     */
    public Result sink(int batchRows, int rows) throws Exception {
        CollectionSpec spec = spec("sink_b" + batchRows);
        List<IndexAction> actions = actions(spec.modelId(), rows);
        // Through the public builder (its checks included), as a job would configure it; no
        // interval flushes.
        MilvusSink sink =
                MilvusSink.builder()
                        .setConnection(connection)
                        .setCollection(spec)
                        .setBatchMaxRows(batchRows)
                        .setBatchMaxInterval(Duration.ofHours(1))
                        .setRetries(3, Duration.ofMillis(200), Duration.ofSeconds(2))
                        .setFieldOverflow(FieldOverflow.TRUNCATE)
                        .build();
        try (SinkWriter<IndexAction> w = sink.createStandaloneWriter()) {
            long t0 = System.nanoTime();
            for (IndexAction a : actions) {
                w.write(a, null);
            }
            w.flush(true);
            double s = (System.nanoTime() - t0) / 1e9;
            return new Result(
                    "MilvusSink (upsert + stale delete)",
                    batchRows,
                    actions.size() * chunksPerDoc,
                    s);
        } finally {
            drop(spec);
        }
    }

    /** Reference: the client's own upsert of the same rows, no delete step, no buffering logic. */
    public Result rawUpsert(int batchRows, int rows) throws Exception {
        CollectionSpec spec = spec("raw_b" + batchRows);
        List<IndexAction> actions = actions(spec.modelId(), rows);
        MilvusClientV2 client = connection.connect();
        try {
            new CollectionManager(client).ensureCollection(spec);
            dev.gemrag.connectors.milvus.internal.ChunkRowMapper mapper =
                    new dev.gemrag.connectors.milvus.internal.ChunkRowMapper(
                            spec, FieldOverflow.TRUNCATE);
            List<dev.gemrag.connectors.milvus.internal.ChunkRowMapper.Row> all = new ArrayList<>();
            for (IndexAction a : actions) {
                all.addAll(mapper.rows(a));
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < all.size(); i += batchRows) {
                client.upsert(
                        dev.gemrag.connectors.milvus.internal.ChunkRowMapper.upsert(
                                spec.collectionName(),
                                all.subList(i, Math.min(all.size(), i + batchRows))));
            }
            double s = (System.nanoTime() - t0) / 1e9;
            return new Result("client upsert only (reference)", batchRows, all.size(), s);
        } finally {
            drop(spec);
            client.close();
        }
    }

    private CollectionSpec spec(String tag) {
        return CollectionSpec.builder("bench/" + tag, dimension).alias("bench_" + tag).build();
    }

    private List<IndexAction> actions(String modelId, int rows) {
        Random rnd = new Random(7);
        int docs = (rows + chunksPerDoc - 1) / chunksPerDoc;
        List<IndexAction> out = new ArrayList<>(docs);
        for (int d = 0; d < docs; d++) {
            String doc = "doc-" + d;
            List<Chunk> chunks = new ArrayList<>(chunksPerDoc);
            for (int c = 0; c < chunksPerDoc; c++) {
                float[] v = new float[dimension];
                for (int i = 0; i < dimension; i++) {
                    v[i] = (float) rnd.nextGaussian();
                }
                String text = "benchmark text of " + doc + " chunk " + c + " ".repeat(200);
                chunks.add(
                        new Chunk(
                                Chunk.chunkId(doc, c),
                                doc,
                                1,
                                c,
                                "Bench " + doc,
                                text,
                                new String[] {"bench"},
                                "{}",
                                v));
            }
            out.add(IndexAction.upsert(doc, 1, modelId, chunks));
        }
        return out;
    }

    private void drop(CollectionSpec spec) {
        MilvusClientV2 client = connection.connect();
        try {
            client.dropAlias(DropAliasReq.builder().alias(spec.alias()).build());
            client.dropCollection(
                    DropCollectionReq.builder().collectionName(spec.collectionName()).build());
        } catch (
                RuntimeException
                        ignored) { // best effort: the benchmark's result does not depend on it
        } finally {
            client.close();
        }
    }
}
