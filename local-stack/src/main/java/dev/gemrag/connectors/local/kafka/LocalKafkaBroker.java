package dev.gemrag.connectors.local.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka (KRaft: broker and controller in one process) on 127.0.0.1, for tests and the
 * embedded demo. Not for production: replication factor 1, no security.
 *
 * <pre>{@code
 * try (LocalKafkaBroker kafka = LocalKafkaBroker.builder().start()) {
 *     kafka.createTopics(1, "documents", "dead-letters");
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>Needs the optional kafka_2.13/kafka-server dependencies of the connectors module on the
 * classpath.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);
    private static final String HOST = "127.0.0.1";

    /** The running server; null between {@link #stop()} and {@link #restart()}. */
    private KafkaRaftServer server;

    /**
     * The server's settings (ports, log directory), kept so a restart comes back exactly where it
     * was.
     */
    private final Properties serverProps;

    private final int port;
    private final Path dataDir;
    private final boolean deleteDataOnClose;
    private boolean closed;

    private LocalKafkaBroker(
            KafkaRaftServer server,
            Properties serverProps,
            int port,
            Path dataDir,
            boolean deleteDataOnClose) {
        this.server = server;
        this.serverProps = serverProps;
        this.port = port;
        this.dataDir = dataDir;
        this.deleteDataOnClose = deleteDataOnClose;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a broker on a free port with its data in a temporary directory deleted on close. */
    public static LocalKafkaBroker start() {
        return builder().start();
    }

    /** "127.0.0.1:port", for bootstrap.servers. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Client properties that reach this broker (bootstrap.servers only). */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    /**
     * Creates the topics with the given partition count; topics that already exist are left alone.
     */
    public void createTopics(int partitions, String... topics) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        List<NewTopic> newTopics = new ArrayList<>();
        for (String t : topics) {
            newTopics.add(new NewTopic(t, partitions, (short) 1));
        }
        try (Admin admin = Admin.create(clientProperties())) {
            for (var e : admin.createTopics(newTopics).values().entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "could not create topic '"
                                        + e.getKey()
                                        + "': "
                                        + ex.getCause().getMessage(),
                                ex);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out creating topics " + List.of(topics), e);
        }
    }

    /**
     * Stops the broker as an outage would (fault tests), keeping its data, port and controller
     * port, so that {@link #restart()} brings back the same broker with every topic and offset;
     * clients keep retrying meanwhile.
     */
    public synchronized void stop() {
        if (closed) {
            throw new IllegalStateException("local Kafka on " + bootstrapServers() + " is closed");
        }
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
        LOG.info("local Kafka on {} stopped (data kept for a restart)", bootstrapServers());
    }

    /** Starts the broker again after {@link #stop()}, on the same ports and data directory. */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("local Kafka on " + bootstrapServers() + " is closed");
        }
        if (server != null) {
            return;
        }
        long t0 = System.nanoTime();
        server = Builder.startServer(serverProps, port);
        LOG.info(
                "local Kafka on {} restarted in {} ms",
                bootstrapServers(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Whether the broker is serving (false between {@link #stop()} and {@link #restart()}, and
     * after close).
     */
    public synchronized boolean isRunning() {
        return server != null && !closed;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
        if (deleteDataOnClose) {
            deleteRecursively(dataDir);
        }
        LOG.info("local Kafka on {} stopped", bootstrapServers());
    }

    /** Port and data directory; both optional. */
    public static final class Builder {
        private int port;
        private Path dataDir;
        private final Properties overrides = new Properties();

        private Builder() {}

        /** The client port; 0 (default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(
                        "port must be 0 (any free port) or 1..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Where logs and metadata live; kept on close. Default: a temporary directory deleted on
         * close.
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Any broker setting (server.properties key), e.g. "num.partitions". */
        public Builder brokerProperty(String key, String value) {
            overrides.setProperty(key, value);
            return this;
        }

        public LocalKafkaBroker start() {
            long t0 = System.nanoTime();
            boolean temp = dataDir == null;
            Path dir;
            try {
                dir =
                        temp
                                ? Files.createTempDirectory("gemrag-kafka-")
                                : Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot create Kafka data directory: " + e.getMessage(), e);
            }
            if (port != 0) {
                checkFree(port);
            }
            int clientPort = port == 0 ? freePort() : port;
            int controllerPort = freePort();
            Properties props = serverProperties(clientPort, controllerPort, dir);
            props.putAll(overrides);
            if (!Files.exists(dir.resolve("logs").resolve("meta.properties"))) {
                format(
                        props,
                        dir); // a chosen directory that was formatted before is reused as it is
            }
            KafkaRaftServer server;
            try {
                server = startServer(props, clientPort);
            } catch (IllegalStateException e) {
                if (temp) {
                    deleteRecursively(dir);
                }
                throw e;
            }
            LocalKafkaBroker broker = new LocalKafkaBroker(server, props, clientPort, dir, temp);
            LOG.info(
                    "local Kafka on {} started in {} ms (data {})",
                    broker.bootstrapServers(),
                    (System.nanoTime() - t0) / 1_000_000,
                    dir);
            return broker;
        }

        /**
         * Starts a server on formatted storage; a failure is one clear line (the server is shut
         * down).
         */
        static KafkaRaftServer startServer(Properties props, int clientPort) {
            KafkaRaftServer server =
                    new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException e) {
                server.shutdown();
                throw new IllegalStateException(
                        "local Kafka failed to start on port " + clientPort + ": " + rootMessage(e),
                        e);
            }
            return server;
        }

        private static Properties serverProperties(int clientPort, int controllerPort, Path dir) {
            Properties p = new Properties();
            p.putAll(
                    Map.ofEntries(
                            Map.entry("process.roles", "broker,controller"),
                            Map.entry("node.id", "1"),
                            Map.entry(
                                    "controller.quorum.voters", "1@" + HOST + ":" + controllerPort),
                            Map.entry(
                                    "listeners",
                                    "PLAINTEXT://"
                                            + HOST
                                            + ":"
                                            + clientPort
                                            + ",CONTROLLER://"
                                            + HOST
                                            + ":"
                                            + controllerPort),
                            Map.entry(
                                    "advertised.listeners",
                                    "PLAINTEXT://" + HOST + ":" + clientPort),
                            Map.entry("controller.listener.names", "CONTROLLER"),
                            Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                            Map.entry(
                                    "listener.security.protocol.map",
                                    "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                            Map.entry("log.dirs", dir.resolve("logs").toString()),
                            Map.entry("num.partitions", "1"),
                            // One node: every internal topic has one replica; small so startup
                            // stays fast.
                            Map.entry("offsets.topic.replication.factor", "1"),
                            Map.entry("offsets.topic.num.partitions", "1"),
                            Map.entry("transaction.state.log.replication.factor", "1"),
                            Map.entry("transaction.state.log.min.isr", "1"),
                            Map.entry("transaction.state.log.num.partitions", "1"),
                            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                            Map.entry("share.coordinator.state.topic.min.isr", "1"),
                            Map.entry("group.initial.rebalance.delay.ms", "0"),
                            Map.entry("auto.create.topics.enable", "true")));
            return p;
        }

        /**
         * The equivalent of `kafka-storage.sh format`: writes meta.properties and the bootstrap
         * checkpoint.
         */
        private static void format(Properties props, Path dir) {
            Path config = dir.resolve("server.properties");
            try (var out = Files.newOutputStream(config)) {
                props.store(out, "gemrag local Kafka");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + config + ": " + e.getMessage(), e);
            }
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
            int rc;
            try (PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8)) {
                rc =
                        StorageTool.execute(
                                new String[] {
                                    "format",
                                    "--cluster-id",
                                    clusterId,
                                    "--config",
                                    config.toString()
                                },
                                ps);
            }
            if (rc != 0) {
                throw new IllegalStateException(
                        "formatting Kafka storage failed ("
                                + rc
                                + "): "
                                + log.toString(StandardCharsets.UTF_8).trim());
            }
        }

        private static void checkFree(int port) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                throw new IllegalStateException(
                        "local Kafka failed to start on port "
                                + port
                                + ": "
                                + HOST
                                + ":"
                                + port
                                + " is in use; choose another port, or 0 for any free one");
            }
        }

        private static String rootMessage(Throwable e) {
            Throwable t = e;
            while (t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            return t.getMessage() == null ? t.toString() : t.getMessage();
        }

        private static int freePort() {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                return s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "no free port on " + HOST + ": " + e.getMessage(), e);
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete Kafka data directory {}: {}", dir, e.getMessage());
        }
    }
}
