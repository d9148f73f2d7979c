package dev.gemrag.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.model.EmbedRole;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class EngineRegistryTest {
    @Test
    void sharesOneModelPerKeyAndClosesItOnLastRelease() {
        EngineRegistry registry = new EngineRegistry();
        AtomicInteger loads = new AtomicInteger();
        FakeModel model = new FakeModel();
        EngineRegistry.Lease a =
                registry.acquire(
                        "m",
                        () -> {
                            loads.incrementAndGet();
                            return model;
                        },
                        EngineOptions.defaults());
        EngineRegistry.Lease b =
                registry.acquire(
                        "m",
                        () -> {
                            loads.incrementAndGet();
                            return new FakeModel();
                        },
                        EngineOptions.defaults());
        assertThat(loads).hasValue(1);
        assertThat(a.engine()).isSameAs(b.engine());
        assertThat(registry.references("m")).isEqualTo(2);
        BatchingEngine engine = a.engine();
        a.close();
        a.close(); // idempotent
        assertThat(model.closed).isFalse();
        assertThat(engine.embed("still open", EmbedRole.QUERY).join()).hasSize(4);
        b.close();
        assertThat(model.closed).isTrue();
        assertThat(registry.references("m")).isZero();
        assertThatThrownBy(() -> engine.embed("x", EmbedRole.QUERY))
                .isInstanceOf(EngineClosedException.class);
        assertThatThrownBy(b::engine).hasMessageContaining("already released");
    }

    @Test
    void aSlowLoadHoldsNoGlobalLockOtherKeysAndReleasesGoOn() throws Exception {
        EngineRegistry registry = new EngineRegistry();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger loadsOfSlow = new AtomicInteger();
        FakeModel slowModel = new FakeModel();
        Supplier<dev.gemrag.model.LanguageModel> slow =
                () -> {
                    loadsOfSlow.incrementAndGet();
                    loading.countDown();
                    try {
                        finish.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return slowModel;
                };
        EngineRegistry.Lease other =
                registry.acquire("other", FakeModel::new, EngineOptions.defaults());
        CompletableFuture<EngineRegistry.Lease> first =
                CompletableFuture.supplyAsync(
                        () -> registry.acquire("slow", slow, EngineOptions.defaults()));
        assertThat(loading.await(60, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<EngineRegistry.Lease> second =
                CompletableFuture.supplyAsync(
                        () -> registry.acquire("slow", slow, EngineOptions.defaults()));

        // while "slow" loads: another key loads, a release closes its model, counts are readable
        EngineRegistry.Lease fast =
                registry.acquire("fast", FakeModel::new, EngineOptions.defaults());
        assertThat(fast.engine().embed("x", EmbedRole.QUERY).get(30, TimeUnit.SECONDS)).hasSize(4);
        fast.close();
        other.close();
        assertThat(registry.references("other")).isZero();
        assertThat(registry.references("slow")).isEqualTo(2); // both wait for the one load
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();

        finish.countDown();
        EngineRegistry.Lease a = first.get(60, TimeUnit.SECONDS);
        EngineRegistry.Lease b = second.get(60, TimeUnit.SECONDS);
        assertThat(loadsOfSlow).hasValue(1);
        assertThat(a.engine()).isSameAs(b.engine());
        assertThat(a.model()).isSameAs(slowModel);
        a.close();
        b.close();
        assertThat(slowModel.closed).isTrue();
    }

    @Test
    void aFailedLoadFailsItsWaitersAndTheNextAcquireLoadsAgain() {
        EngineRegistry registry = new EngineRegistry();
        assertThatThrownBy(
                        () ->
                                registry.acquire(
                                        "m",
                                        () -> {
                                            throw new IllegalStateException(
                                                    "model file is corrupt");
                                        },
                                        EngineOptions.defaults()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("model file is corrupt");
        assertThat(registry.references("m")).isZero();
        try (EngineRegistry.Lease l =
                registry.acquire("m", FakeModel::new, EngineOptions.defaults())) {
            assertThat(l.engine().modelId()).isEqualTo("fake");
            assertThat(registry.references("m")).isEqualTo(1);
        }
    }
}
