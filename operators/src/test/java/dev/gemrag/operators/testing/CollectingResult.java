package dev.gemrag.operators.testing;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.functions.async.CollectionSupplier;
import org.apache.flink.streaming.api.functions.async.ResultFuture;

/** A ResultFuture a test can wait on. */
public final class CollectingResult<T> implements ResultFuture<T> {
    private final CompletableFuture<List<T>> done = new CompletableFuture<>();

    @Override
    public void complete(Collection<T> result) {
        done.complete(List.copyOf(result));
    }

    @Override
    public void completeExceptionally(Throwable error) {
        done.completeExceptionally(error);
    }

    @Override
    public void complete(CollectionSupplier<T> supplier) {
        try {
            complete(supplier.get());
        } catch (Exception e) {
            completeExceptionally(e);
        }
    }

    public List<T> get() throws Exception {
        return done.get(10, TimeUnit.SECONDS);
    }

    /** For a real model on a loaded machine: a generous wait for a condition, not a sleep. */
    public List<T> get(java.time.Duration timeout) throws Exception {
        return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
