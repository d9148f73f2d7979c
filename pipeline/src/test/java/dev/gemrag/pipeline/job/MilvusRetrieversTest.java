package dev.gemrag.pipeline.job;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gemrag.connectors.milvus.MilvusRetriever;
import org.junit.jupiter.api.Test;

/** The model id an answer operator opens the retriever with is checked, not ignored. */
class MilvusRetrieversTest {
    @Test
    void aTaskManagerWithAnotherModelIsRefusedBeforeConnecting() {
        // Port 1: nothing listens; the check must fail before any connection is tried.
        MilvusRetriever prototype =
                MilvusRetriever.builder()
                        .setUri("http://127.0.0.1:1")
                        .setModelId("model-a")
                        .build();
        assertThatThrownBy(() -> new MilvusRetrievers(prototype).open("model-b", 8))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "this TaskManager loaded model 'model-b' but the job was built for model 'model-a': give every"
                                + " machine the same model.path and model.adapter");
    }
}
