package dev.gemrag.model.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of files, remembered in a {@code <file>.sha256} marker ("hash size mtime") so that a
 * multi-gigabyte model is hashed once, not on every start. A marker whose size or mtime no longer
 * match the file is ignored.
 */
public final class FileChecksums {
    private FileChecksums() {}

    /**
     * The file's SHA-256 (lower-case hex), from a valid marker or computed (and a marker written if
     * possible).
     */
    public static String sha256(Path file) {
        String cached = cached(file);
        if (cached != null) {
            return cached;
        }
        String hash = compute(file);
        remember(file, hash);
        return hash;
    }

    /** Hashes the file's bytes, ignoring any marker. */
    public static String compute(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    file + ": cannot read for checksum: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The hash recorded for the file, or null when there is no marker or it does not match the
     * file.
     */
    public static String cached(Path file) {
        Path marker = markerOf(file);
        try {
            if (!Files.isRegularFile(marker)) {
                return null;
            }
            String[] parts = Files.readString(marker, StandardCharsets.UTF_8).trim().split(" ");
            if (parts.length == 3
                    && Long.parseLong(parts[1]) == Files.size(file)
                    && Long.parseLong(parts[2]) == Files.getLastModifiedTime(file).toMillis()) {
                return parts[0];
            }
            return null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /** Writes the marker; a read-only directory only costs a re-hash next time. */
    public static void remember(Path file, String hash) {
        try {
            String line =
                    hash
                            + " "
                            + Files.size(file)
                            + " "
                            + Files.getLastModifiedTime(file).toMillis()
                            + "\n";
            Path marker = markerOf(file);
            Path tmp = marker.resolveSibling(marker.getFileName() + ".tmp");
            Files.writeString(tmp, line, StandardCharsets.UTF_8);
            Files.move(
                    tmp,
                    marker,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // not fatal: the checksum is simply computed again next time
        }
    }

    static Path markerOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".sha256");
    }
}
