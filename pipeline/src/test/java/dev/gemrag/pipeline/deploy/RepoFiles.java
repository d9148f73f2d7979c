package dev.gemrag.pipeline.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The repository's deployment files, found from the test's working directory (the pipeline module).
 */
final class RepoFiles {
    private RepoFiles() {}

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("docker-compose.yml"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException(
                    "no docker-compose.yml above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** One Dockerfile instruction, continuation lines joined. */
    record Instruction(String keyword, String args) {}

    static List<Instruction> dockerfile(Path file) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (current.length() == 0 && (t.isEmpty() || t.startsWith("#"))) {
                    continue;
                }
                if (t.endsWith("\\")) {
                    current.append(t, 0, t.length() - 1).append(' ');
                    continue;
                }
                current.append(t);
                String full = current.toString().strip();
                int sp = full.indexOf(' ');
                out.add(
                        new Instruction(
                                full.substring(0, sp).toUpperCase(),
                                full.substring(sp + 1).strip()));
                current.setLength(0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * The value of a maven-plugin configuration element of the execution with the given id in a
     * pom.
     */
    static String executionSetting(Path pom, String executionId, String element) {
        try {
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
            NodeList executions = doc.getElementsByTagName("execution");
            for (int i = 0; i < executions.getLength(); i++) {
                Element e = (Element) executions.item(i);
                NodeList ids = e.getElementsByTagName("id");
                if (ids.getLength() > 0
                        && ids.item(0).getTextContent().strip().equals(executionId)) {
                    NodeList v = e.getElementsByTagName(element);
                    if (v.getLength() > 0) {
                        return v.item(0).getTextContent().strip();
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pom + ": " + e.getMessage(), e);
        }
        throw new AssertionError(
                "no <" + element + "> in execution '" + executionId + "' of " + pom);
    }

    /** A pom &lt;properties&gt; value. */
    static String property(Path pom, String name) {
        try {
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
            NodeList v = doc.getElementsByTagName(name);
            if (v.getLength() > 0) {
                return v.item(0).getTextContent().strip();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pom + ": " + e.getMessage(), e);
        }
        throw new AssertionError("no property " + name + " in " + pom);
    }

    /** A module-relative path for a ${project.build.directory}/x setting. */
    static Path buildPath(String module, String setting) {
        return Path.of(module, setting.replace("${project.build.directory}", "target"));
    }
}
