package dev.billing.testkit.internal;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The JDK {@link HttpServer} every simulator answers on: bound to the loopback address, and sending small answers
 * without delay. The JDK server writes an answer's headers and body in two TCP segments; without TCP_NODELAY each
 * answer waits ~40 ms for the client's delayed ACK (Nagle). The server reads its switch,
 * {@code sun.net.httpserver.nodelay}, once, when its first server is created: {@link #create} sets it before, unless
 * the host set it already.
 */
public final class LoopbackServer {
    /** The JDK server's TCP_NODELAY switch. */
    public static final String NODELAY = "sun.net.httpserver.nodelay";

    private LoopbackServer() {
    }

    /**
     * @param port the port, 0 for any free one
     * @param backlog the connections that may wait to be accepted
     * @return the server, not started
     * @throws IOException when the port cannot be bound
     */
    public static HttpServer create(int port, int backlog) throws IOException {
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
        return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
    }
}
