package dev.gemrag.model.engine;

import dev.gemrag.annotations.PublicApi;
import dev.gemrag.model.LanguageModel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine (and one loaded model) per key per JVM, reference counted: the first {@link #acquire}
 * loads the model, the last {@link Lease#close()} closes engine and model, freeing native memory.
 * All Flink subtasks of a TaskManager share {@link #shared()}.
 *
 * <p>A load takes seconds: it runs outside the registry's lock, behind a per-key future, so
 * acquirers of other keys (and releases) never wait for it; acquirers of the same key wait for that
 * one load.
 */
@PublicApi
public final class EngineRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(EngineRegistry.class);
    private static final EngineRegistry SHARED = new EngineRegistry();

    private final Map<String, Entry> entries = new HashMap<>();

    private static final class Entry {
        final CompletableFuture<Loaded> loaded = new CompletableFuture<>();
        int refs;
    }

    private record Loaded(LanguageModel model, BatchingEngine engine) {}

    public static EngineRegistry shared() {
        return SHARED;
    }

    /**
     * The engine for {@code key}, loading the model with {@code loader} when no one holds it (on
     * the calling thread, without holding the registry lock). If that load fails, every acquirer
     * waiting for it gets the failure and the next acquire tries again. Options of later acquirers
     * are ignored: the first one wins.
     */
    public Lease acquire(String key, Supplier<LanguageModel> loader, EngineOptions options) {
        Entry e;
        boolean loadHere;
        synchronized (this) {
            e = entries.get(key);
            loadHere = e == null;
            if (loadHere) {
                e = new Entry();
                entries.put(key, e);
            }
            e.refs++;
        }
        if (loadHere) {
            load(key, e, loader, options);
        }
        try {
            Loaded l = e.loaded.join();
            return new Lease(key, l);
        } catch (CompletionException | java.util.concurrent.CancellationException ex) {
            Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(
                    "loading the model for engine key " + key + " failed: " + cause, cause);
        }
    }

    private void load(String key, Entry e, Supplier<LanguageModel> loader, EngineOptions options) {
        LanguageModel model = null;
        try {
            model = loader.get();
            BatchingEngine engine = new BatchingEngine(model, options);
            LOG.info("loaded model {} for engine key {}", model.id(), key);
            e.loaded.complete(new Loaded(model, engine));
        } catch (RuntimeException | Error ex) {
            if (model != null) {
                model.close();
            }
            synchronized (this) {
                entries.remove(key, e); // the next acquire loads afresh
            }
            e.loaded.completeExceptionally(ex);
        }
    }

    public synchronized int references(String key) {
        Entry e = entries.get(key);
        return e == null ? 0 : e.refs;
    }

    private void release(String key, Loaded l) {
        synchronized (this) {
            Entry e = entries.get(key);
            if (e == null || e.loaded.getNow(null) != l || --e.refs > 0) {
                return;
            }
            entries.remove(key);
        }
        // closing joins the worker and frees native memory: outside the lock too
        l.engine().close();
        l.model().close();
        LOG.info("closed model {} (last user of engine key {} released it)", l.model().id(), key);
    }

    /** A hold on a shared engine; close it exactly once when done (further closes are no-ops). */
    public final class Lease implements AutoCloseable {
        private final String key;
        private final Loaded loaded;
        private final AtomicBoolean released = new AtomicBoolean();

        private Lease(String key, Loaded loaded) {
            this.key = key;
            this.loaded = loaded;
        }

        public BatchingEngine engine() {
            check();
            return loaded.engine();
        }

        /**
         * The model behind the engine, for thread-safe reads (tokenizer, chat template); run work
         * through the engine.
         */
        public LanguageModel model() {
            check();
            return loaded.model();
        }

        private void check() {
            if (released.get()) {
                throw new EngineClosedException("lease on engine " + key + " was already released");
            }
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                release(key, loaded);
            }
        }
    }
}
