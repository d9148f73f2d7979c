package dev.gemrag.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.eval.TextEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every (pair line, role) reaches the teacher once; the file survives a reopen and a torn last
 * record.
 */
class TeacherCacheTest {
    private static final String SHA =
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @TempDir Path dir;

    /**
     * A stand-in teacher (the cache is what is under test): vector = (length, role, 1), counted.
     */
    static final class CountingTeacher implements TextEmbedder {
        final List<String> seen = new ArrayList<>();

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public List<float[]> embed(List<String> texts, EmbedRole role) {
            seen.addAll(texts);
            return texts.stream().map(t -> new float[] {t.length(), role.ordinal(), 1f}).toList();
        }
    }

    @Test
    void embedsEachTextOnceAcrossReopens() throws Exception {
        CountingTeacher t = new CountingTeacher();
        try (TeacherCache c = new TeacherCache(t, dir, SHA)) {
            float[][] a = c.vectors(new int[] {3, 7}, List.of("abc", "defgh"), EmbedRole.QUERY);
            assertThat(a[1]).containsExactly(5f, 0f, 1f);
            // same lines as documents are other entries; line 3 as a query again is cached
            float[][] b = c.vectors(new int[] {3, 9}, List.of("abc", "xy"), EmbedRole.DOCUMENT);
            assertThat(b[0]).containsExactly(3f, 1f, 1f);
            c.vectors(new int[] {7, 3}, List.of("defgh", "abc"), EmbedRole.QUERY);
            assertThat(t.seen).containsExactly("abc", "defgh", "abc", "xy");
            assertThat(c.computed()).isEqualTo(4);
        }
        CountingTeacher again = new CountingTeacher();
        Path file;
        try (TeacherCache c = new TeacherCache(again, dir, SHA)) {
            assertThat(c.vectors(new int[] {9}, List.of("xy"), EmbedRole.DOCUMENT)[0])
                    .containsExactly(2f, 1f, 1f);
            assertThat(again.seen).isEmpty();
            file = c.file();
        }
        // a crash in the middle of an append: the torn record is dropped, the rest is kept
        long size = Files.size(file);
        try (var ch =
                java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size - 5);
        }
        CountingTeacher third = new CountingTeacher();
        try (TeacherCache c = new TeacherCache(third, dir, SHA)) {
            c.vectors(new int[] {3, 7, 3}, List.of("abc", "defgh", "abc"), EmbedRole.QUERY);
            c.vectors(new int[] {3, 9}, List.of("abc", "xy"), EmbedRole.DOCUMENT);
            assertThat(third.seen).containsExactly("xy"); // only the torn last record is recomputed
        }
        assertThat(Files.size(file)).isEqualTo(size);
        // another pairs file (checksum) gets its own cache
        try (TeacherCache c =
                new TeacherCache(new CountingTeacher(), dir, "f" + SHA.substring(1))) {
            assertThat(c.file()).isNotEqualTo(file);
        }
    }
}
