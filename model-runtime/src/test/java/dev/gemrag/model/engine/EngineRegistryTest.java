package dev.gemrag.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.model.EmbedRole;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EngineRegistryTest {
    @Test
    void sharesOneModelPerKeyAndClosesItOnLastRelease() {
        EngineRegistry registry = new EngineRegistry();
        AtomicInteger loads = new AtomicInteger();
        FakeModel model = new FakeModel();
        EngineRegistry.Lease a = registry.acquire("m", () -> {
            loads.incrementAndGet();
            return model;
        }, EngineOptions.defaults());
        EngineRegistry.Lease b = registry.acquire("m", () -> {
            loads.incrementAndGet();
            return new FakeModel();
        }, EngineOptions.defaults());
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
        assertThatThrownBy(() -> engine.embed("x", EmbedRole.QUERY)).isInstanceOf(EngineClosedException.class);
        assertThatThrownBy(b::engine).hasMessageContaining("already released");
    }
}
