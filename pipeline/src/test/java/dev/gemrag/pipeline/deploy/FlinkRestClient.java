package dev.gemrag.pipeline.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The few calls of Flink's REST API (the one the web UI and {@code flink run} use) that the cluster
 * IT needs.
 */
final class FlinkRestClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    FlinkRestClient(String base) {
        this.base = base;
    }

    JsonNode overview() throws IOException, InterruptedException {
        return get("/overview");
    }

    /** POST /jars/upload (multipart, field "jarfile"); returns the jar id for /jars/:id/run. */
    String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "----gemrag" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(
                ("--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + jar.getFileName()
                                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode r =
                send(
                        HttpRequest.newBuilder(URI.create(base + "/jars/upload"))
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())),
                        Duration.ofMinutes(2));
        if (!"success".equals(r.path("status").asText())) {
            throw new IOException("jar upload failed: " + r);
        }
        String file = r.path("filename").asText();
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /**
     * POST /jars/:id/run: runs the jar's main in the jobmanager, which submits the job; returns the
     * job id.
     */
    String runJar(String jarId, String entryClass, List<String> args)
            throws IOException, InterruptedException {
        String body =
                JSON.writeValueAsString(Map.of("entryClass", entryClass, "programArgsList", args));
        JsonNode r =
                send(
                        HttpRequest.newBuilder(URI.create(base + "/jars/" + jarId + "/run"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)),
                        Duration.ofMinutes(10)); // main() ran > 3 min at load 30
        if (!r.hasNonNull("jobid")) {
            throw new IOException("jar run did not return a job id: " + r);
        }
        return r.get("jobid").asText();
    }

    JsonNode job(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId);
    }

    JsonNode checkpoints(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    JsonNode exceptions(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/exceptions");
    }

    JsonNode taskManagers() throws IOException, InterruptedException {
        return get("/taskmanagers");
    }

    /** A job-level metric such as numRestarts, or null when not reported yet. */
    String jobMetric(String jobId, String metric) throws IOException, InterruptedException {
        for (JsonNode m : get("/jobs/" + jobId + "/metrics?get=" + metric)) {
            if (metric.equals(m.path("id").asText())) {
                return m.path("value").asText();
            }
        }
        return null;
    }

    void cancel(String jobId) throws IOException, InterruptedException {
        send(
                HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody()),
                Duration.ofSeconds(30));
    }

    /** True when the job and every one of its vertices are RUNNING. */
    static boolean fullyRunning(JsonNode job) {
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode v : job.path("vertices")) {
            if (!"RUNNING".equals(v.path("status").asText())) {
                return false;
            }
        }
        return job.path("vertices").size() > 0;
    }

    /** Plain GET of any URL (e.g. a Prometheus endpoint). */
    String getText(String url) throws IOException, InterruptedException {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(10))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + url + " -> HTTP " + r.statusCode());
        }
        return r.body();
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), Duration.ofSeconds(15));
    }

    private JsonNode send(HttpRequest.Builder request, Duration timeout)
            throws IOException, InterruptedException {
        HttpResponse<String> r =
                http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException(
                    request.build().method()
                            + " "
                            + request.build().uri()
                            + " -> HTTP "
                            + r.statusCode()
                            + ": "
                            + r.body().substring(0, Math.min(2000, r.body().length())));
        }
        return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }
}
