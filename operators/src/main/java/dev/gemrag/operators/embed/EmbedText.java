package dev.gemrag.operators.embed;

import dev.gemrag.connectors.records.Chunk;

/** The text a chunk is embedded as: its document title on the first line, then the chunk. */
public final class EmbedText {
    private EmbedText() {}

    public static String of(Chunk chunk) {
        return dev.gemrag.model.gem.DocumentText.of(chunk.title(), chunk.text());
    }
}
