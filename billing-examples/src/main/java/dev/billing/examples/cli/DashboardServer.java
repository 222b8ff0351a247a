package dev.billing.examples.cli;

import com.sun.net.httpserver.HttpServer;
import dev.billing.dashboard.DashboardHandler;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs the web dashboard on 127.0.0.1 until the thread is interrupted (or the JVM is stopped). */
final class DashboardServer {
    private static final int THREADS = 16;

    private DashboardServer() {
    }

    /**
     * @param console where the URL is printed
     * @param handler the dashboard: its source, whether it answers from the cost store, its default period,
     *     anomalies
     * @param port the loopback port, 0 for a free one
     * @throws CliException (exit 2) when the port is out of range or taken
     */
    static void serve(BillingCli.Console console, DashboardHandler.Builder handler, int port) {
        checkPort(port);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (BindException e) {
            throw CliException.usage("--port " + port + ": 127.0.0.1:" + port + " is in use; pick another port or"
                    + " --port 0 for a free one");
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        server.createContext("/", handler.build());
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "billing-dashboard-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        try {
            console.out().println("dashboard on http://127.0.0.1:" + server.getAddress().getPort() + "/");
            console.out().flush();
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw CliException.usage("--port " + port + " must be 0 to 65535 (0 picks a free port)");
        }
    }
}
