package dev.gemrag.connectors.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint or savepoint taken before {@link Chunk} carried token ids holds embed requests in
 * flight (the async embed operator's state: {@link IndexAction}s with their chunks). Restored into
 * this release, Flink's POJO serializer migrates them: the old snapshot is read, the new serializer
 * is compatible after migration, and the restored chunks have no ids (the embed step then encodes
 * their text). The old class is compiled from its source into a class loader of its own, as Flink's
 * own serializer upgrade tests do.
 */
class ChunkStateEvolutionTest {
    @TempDir Path dir;

    @Test
    void anIndexActionFromBeforeTokenIdsRestoresWithoutIds() throws Exception {
        ClassLoader before = compileBeforeTokens();
        Class<?> oldAction = before.loadClass(IndexAction.class.getName());
        Class<?> oldChunk = before.loadClass(Chunk.class.getName());
        assertThat(oldChunk).isNotSameAs(Chunk.class);
        Object chunk =
                oldChunk.getConstructors()[0].newInstance(
                        "d#0", "d", 3L, 0, "cp", "copy files", new String[] {"all"}, "{}", null);
        Object action =
                oldAction
                        .getMethod("chunked", String.class, long.class, List.class)
                        .invoke(null, "d", 3L, List.of(chunk));

        // what the old job wrote: the state bytes and the serializer's snapshot
        DataOutputSerializer state = new DataOutputSerializer(256);
        DataOutputSerializer snapshot = new DataOutputSerializer(256);
        writeWithOldSerializer(oldAction, action, state, snapshot);

        // what this release does on restore
        TypeSerializerSnapshot<IndexAction> restored =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(snapshot.getCopyOfBuffer()),
                        getClass().getClassLoader());
        TypeSerializer<IndexAction> current =
                TypeInformation.of(IndexAction.class).createSerializer(config());
        TypeSerializerSchemaCompatibility<IndexAction> compatibility =
                current.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertThat(compatibility.isCompatibleAfterMigration())
                .as("compatibility of the new IndexAction/Chunk serializer: " + compatibility)
                .isTrue();
        IndexAction back =
                restored.restoreSerializer()
                        .deserialize(new DataInputDeserializer(state.getCopyOfBuffer()));
        assertThat(back.docId).isEqualTo("d");
        assertThat(back.chunks)
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.chunkId()).isEqualTo("d#0");
                            assertThat(c.docVersion()).isEqualTo(3L);
                            assertThat(c.text()).isEqualTo("copy files");
                            assertThat(c.acl()).containsExactly("all");
                            assertThat(c.embedding()).isNull();
                            assertThat(c.tokens()).as("ids of a chunk from before ids").isNull();
                        });
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void writeWithOldSerializer(
            Class<?> type, Object value, DataOutputSerializer state, DataOutputSerializer snapshot)
            throws IOException {
        TypeSerializer s = TypeInformation.of(type).createSerializer(config());
        s.serialize(value, state);
        TypeSerializerSnapshot.writeVersionedSnapshot(snapshot, s.snapshotConfiguration());
    }

    private static SerializerConfigImpl config() {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false); // a Kryo fallback would hide what is being tested
        return config;
    }

    /**
     * IndexAction (as it is) and Chunk (as it was) compiled into a class loader that finds them
     * before this module's classes.
     */
    private ClassLoader compileBeforeTokens() throws IOException {
        Path src = dir.resolve("src/dev/gemrag/connectors/records");
        Files.createDirectories(src);
        try (var in = getClass().getResourceAsStream("/evolution/ChunkBeforeTokens.java.txt")) {
            Files.write(src.resolve("Chunk.java"), in.readAllBytes());
        }
        Files.copy(
                Path.of("src/main/java/dev/gemrag/connectors/records/IndexAction.java"),
                src.resolve("IndexAction.java"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc =
                javac.run(
                        null,
                        null,
                        null,
                        "-d",
                        classes.toString(),
                        "-encoding",
                        StandardCharsets.UTF_8.name(),
                        src.resolve("Chunk.java").toString(),
                        src.resolve("IndexAction.java").toString());
        assertThat(rc).as("javac of the old Chunk").isZero();
        return new ChildFirst(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
    }

    /** Loads the two record classes from its own folder, everything else from the parent. */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (name.equals(Chunk.class.getName())
                        || name.equals(IndexAction.class.getName())) {
                    Class<?> c = findLoadedClass(name);
                    return c != null ? c : findClass(name);
                }
                return super.loadClass(name, resolve);
            }
        }
    }
}
