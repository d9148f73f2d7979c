package dev.gemrag.model.train;

import dev.gemrag.model.EmbedRole;
import dev.gemrag.model.eval.TextEmbedder;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One teacher's unit vectors for the texts of one pairs file, computed on first use and kept in an
 * append-only file, so every (pair line, role) is embedded by the teacher once per pairs file,
 * across runs and resumes. The file is named by teacher and the pairs file's sha256, so an edited
 * pairs file gets a new cache. Records: {@code int key, int dim, dim floats} (little-endian), key =
 * line * 2 + (0 query, 1 document); a record cut short by a crash is dropped when the file is
 * opened.
 */
public final class TeacherCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TeacherCache.class);

    private final TextEmbedder teacher;
    private final Path file;
    private final Map<Integer, float[]> vectors = new HashMap<>();
    private final FileChannel out;
    private long computed;

    public TeacherCache(TextEmbedder teacher, Path dir, String pairsSha256) throws IOException {
        this.teacher = teacher;
        Files.createDirectories(dir);
        this.file = dir.resolve(teacher.name() + "-" + pairsSha256.substring(0, 16) + ".vectors");
        long valid = Files.isRegularFile(file) ? load() : 0;
        this.out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        out.truncate(valid);
        out.position(valid);
        LOG.info("teacher {}: {} cached vectors in {}", teacher.name(), vectors.size(), file);
    }

    static int key(int line, EmbedRole role) {
        return line * 2 + (role == EmbedRole.QUERY ? 0 : 1);
    }

    public String name() {
        return teacher.name();
    }

    public Path file() {
        return file;
    }

    /** Vectors the teacher computed in this session (the rest came from the file). */
    public long computed() {
        return computed;
    }

    /**
     * Unit vectors of {@code texts} (pair lines {@code lines}, all of one role), from the cache or
     * the teacher.
     */
    public float[][] vectors(int[] lines, List<String> texts, EmbedRole role) throws IOException {
        if (lines.length != texts.size()) {
            throw new IllegalArgumentException(
                    lines.length + " lines for " + texts.size() + " texts");
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (!vectors.containsKey(key(lines[i], role)) && !missing.contains(i)) {
                missing.add(i);
            }
        }
        if (!missing.isEmpty()) {
            List<float[]> fresh = teacher.embed(missing.stream().map(texts::get).toList(), role);
            for (int j = 0; j < missing.size(); j++) {
                int k = key(lines[missing.get(j)], role);
                if (vectors.putIfAbsent(k, fresh.get(j)) == null) {
                    append(k, fresh.get(j));
                    computed++;
                }
            }
            out.force(false);
        }
        float[][] result = new float[lines.length][];
        for (int i = 0; i < lines.length; i++) {
            result[i] = vectors.get(key(lines[i], role));
        }
        return result;
    }

    private void append(int key, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(key).putInt(v.length);
        for (float x : v) {
            b.putFloat(x);
        }
        b.flip();
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    /** Reads the complete records; returns the byte length they span. */
    private long load() throws IOException {
        long valid = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
                DataInputStream data = new DataInputStream(in)) {
            while (true) {
                int key;
                int dim;
                float[] v;
                try {
                    key = Integer.reverseBytes(data.readInt());
                    dim = Integer.reverseBytes(data.readInt());
                    if (dim <= 0 || dim > 65536) {
                        throw new IOException(
                                "teacher cache "
                                        + file
                                        + " is corrupt at byte "
                                        + valid
                                        + " (dimension "
                                        + dim
                                        + "): delete it");
                    }
                    v = new float[dim];
                    for (int i = 0; i < dim; i++) {
                        v[i] = Float.intBitsToFloat(Integer.reverseBytes(data.readInt()));
                    }
                } catch (EOFException end) {
                    break;
                }
                vectors.put(key, v);
                valid += 8 + 4L * dim;
            }
        }
        return valid;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
