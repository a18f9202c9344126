package io.chronon.node.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a node's HTTP port that can lose an answer: with
 * {@link #dropNextAnswer()} the next bytes the node sends back are thrown away and the
 * client's connection is closed, as when a network or a server fails after the request was
 * handled. While {@link #refuse} is set it closes every new connection at once. Counts the
 * transact requests that pass.
 */
final class LossyProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean dropNext = new AtomicBoolean();
    private volatile boolean refuseAfterDrop;
    final AtomicBoolean refuse = new AtomicBoolean();
    final AtomicInteger transactRequests = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    /** Counted down when an answer was dropped. */
    final CountDownLatch dropped = new CountDownLatch(1);
    private final Thread acceptor;

    LossyProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "lossy-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void dropNextAnswer() {
        dropNext.set(true);
    }

    /** Loses the next answer, then refuses every connection until {@link #refuse} is cleared. */
    void dropNextAnswerThenRefuse() {
        refuseAfterDrop = true;
        dropNext.set(true);
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (refuse.get()) {
                refused.incrementAndGet();
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to, boolean request) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (request && new String(buf, 0, n, StandardCharsets.ISO_8859_1).contains("/transact HTTP/1.1")) {
                        transactRequests.incrementAndGet();
                    }
                    if (!request && dropNext.compareAndSet(true, false)) {
                        if (refuseAfterDrop) {
                            refuse.set(true);
                        }
                        dropped.countDown();
                        break; // the answer is lost: close both sides
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // a side closed: close the other
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "lossy-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            closeQuietly(s);
        }
    }
}
