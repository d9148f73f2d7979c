package dev.gemrag.connectors.milvus;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

/**
 * A TCP proxy for fault tests that can hold back the server's replies: requests still reach the
 * server and take effect, but the client waits for the answer. Holding lets a test catch a client
 * in the middle of a call (a Milvus flush in flight) by a condition instead of by timing; {@link
 * #cutAll()} then drops every connection and the held replies, as the death of the client's process
 * would. Blocking sockets, two pump threads per connection.
 */
final class HoldingTcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    // guarded by lock
    private boolean holding;
    private long minRequestBytes;
    private long requestBytesWhileHolding;
    private boolean replyHeldAfterRequest;

    HoldingTcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /**
     * From now on the server's replies wait in the proxy; {@link #awaitHeldReply} returns once a
     * reply is held that came after at least {@code minRequestBytes} had gone to the server (a real
     * request, not a keep-alive).
     */
    void holdReplies(long minRequestBytes) {
        synchronized (lock) {
            holding = true;
            this.minRequestBytes = minRequestBytes;
            requestBytesWhileHolding = 0;
            replyHeldAfterRequest = false;
        }
    }

    void awaitHeldReply(Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!replyHeldAfterRequest) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new TimeoutException(
                            "no reply held within "
                                    + timeout.toSeconds()
                                    + " s ("
                                    + requestBytesWhileHolding
                                    + " request bytes sent while holding)");
                }
                lock.wait(left);
            }
        }
    }

    /** Closes every open connection; held replies are dropped, never delivered. */
    void cutAll() {
        for (Connection c : connections) {
            c.close();
        }
        synchronized (lock) {
            lock.notifyAll(); // pumps waiting to deliver a held reply see their connection closed
        }
    }

    /** Stops holding: replies flow again (on connections opened from now on, or not cut). */
    void release() {
        synchronized (lock) {
            holding = false;
            lock.notifyAll();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        release();
        cutAll();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                Connection c = new Connection(client, server);
                connections.add(c);
                start("proxy-up", () -> pump(c, client, server, true));
                start("proxy-down", () -> pump(c, server, client, false));
            } catch (IOException e) {
                // listener closed, or the target refused this one connection: the client sees it
                // closed
            }
        }
    }

    private static void start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private void pump(Connection c, Socket from, Socket to, boolean request) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (lock) {
                    if (request) {
                        if (holding) {
                            requestBytesWhileHolding += n;
                        }
                    } else {
                        if (holding && requestBytesWhileHolding >= minRequestBytes) {
                            replyHeldAfterRequest = true;
                            lock.notifyAll();
                        }
                        while (holding && !c.closed) {
                            lock.wait();
                        }
                    }
                    if (c.closed) {
                        return;
                    }
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: close both, as a real connection would
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            c.close();
            connections.remove(c);
        }
    }

    private static final class Connection {
        private final Socket client;
        private final Socket server;
        private volatile boolean closed;

        Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void close() {
            closed = true;
            try {
                client.close();
            } catch (IOException ignored) {
                // already closed
            }
            try {
                server.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
