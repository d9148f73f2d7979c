package dev.gemrag.model.engine;

import dev.gemrag.annotations.PublicApi;
import dev.gemrag.model.LanguageModel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine (and one loaded model) per key per JVM, reference counted: the first
 * {@link #acquire} loads the model, the last {@link Lease#close()} closes engine and model, freeing
 * native memory. All Flink subtasks of a TaskManager share {@link #shared()}.
 */
@PublicApi
public final class EngineRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(EngineRegistry.class);
    private static final EngineRegistry SHARED = new EngineRegistry();

    private final Map<String, Entry> entries = new HashMap<>();

    private static final class Entry {
        final LanguageModel model;
        final BatchingEngine engine;
        int refs;

        Entry(LanguageModel model, BatchingEngine engine) {
            this.model = model;
            this.engine = engine;
        }
    }

    public static EngineRegistry shared() {
        return SHARED;
    }

    /**
     * The engine for {@code key}, loading the model with {@code loader} when no one holds it. Loading
     * happens under the registry lock: concurrent acquirers of any key wait (loads are rare).
     * Options of later acquirers are ignored: the first one wins.
     */
    public synchronized Lease acquire(String key, Supplier<LanguageModel> loader, EngineOptions options) {
        Entry e = entries.get(key);
        if (e == null) {
            LanguageModel model = loader.get();
            try {
                e = new Entry(model, new BatchingEngine(model, options));
            } catch (RuntimeException ex) {
                model.close();
                throw ex;
            }
            entries.put(key, e);
            LOG.info("loaded model {} for engine key {}", model.id(), key);
        }
        e.refs++;
        return new Lease(key, e.engine);
    }

    public synchronized int references(String key) {
        Entry e = entries.get(key);
        return e == null ? 0 : e.refs;
    }

    private synchronized void release(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return;
        }
        if (--e.refs == 0) {
            entries.remove(key);
            e.engine.close();
            e.model.close();
            LOG.info("closed model {} (last user of engine key {} released it)", e.model.id(), key);
        }
    }

    /** A hold on a shared engine; close it exactly once when done (further closes are no-ops). */
    public final class Lease implements AutoCloseable {
        private final String key;
        private final BatchingEngine engine;
        private final AtomicBoolean released = new AtomicBoolean();

        private Lease(String key, BatchingEngine engine) {
            this.key = key;
            this.engine = engine;
        }

        public BatchingEngine engine() {
            if (released.get()) {
                throw new EngineClosedException("lease on engine " + key + " was already released");
            }
            return engine;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                release(key);
            }
        }
    }
}
