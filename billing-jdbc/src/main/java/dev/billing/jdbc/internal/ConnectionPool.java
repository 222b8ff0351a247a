package dev.billing.jdbc.internal;

import dev.billing.core.CostStoreException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small bounded pool of the store's own connections, for stores built from a JDBC URL or an embedded
 * file (a store given a {@code DataSource} uses that instead). Opening a PostgreSQL connection starts a
 * server process and costs milliseconds, more than most of the store's operations; the pool keeps up to
 * {@code max} connections open and lends them out one operation at a time.
 *
 * <ul>
 * <li><b>Bounded.</b> At most {@code max} connections exist at once; a caller waits at most
 *     {@code maxWait} for one and then gets a {@link CostStoreException} (reason {@code UNAVAILABLE},
 *     retryable) naming the store and the setting to raise.
 * <li><b>Validated.</b> A connection idle for longer than {@code validateAfter} is checked with
 *     {@link Connection#isValid} before it is lent again (a server restart or a firewall's idle timeout
 *     breaks connections while they sit in the pool); one that fails is closed and replaced. A connection
 *     that reported a connection failure (SQLSTATE class 08) or is found closed when given back is not kept.
 *     Checking only idle connections, as HikariCP does, spares a round trip per operation.
 * <li><b>Reset.</b> A connection given back in a transaction is rolled back and put back in autocommit
 *     mode; one that cannot be is closed.
 * <li><b>Closed with the store.</b> {@link #close()} closes the idle connections at once and the lent
 *     ones when they are given back; later calls fail with a {@link CostStoreException}.
 * </ul>
 *
 * <p>The connections lent out are proxies of {@link Connection}: {@code close()} gives the connection
 * back, {@code unwrap} reaches the driver's connection (pgjdbc's {@code COPY}). Thread-safe.
 */
public final class ConnectionPool implements ConnectionSource, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConnectionPool.class);
    private static final int VALIDATION_TIMEOUT_SECONDS = 5;

    private record Idle(Connection physical, long since) {
    }

    private final ConnectionSource factory;
    private final int max;
    private final Duration maxWait;
    private final long validateAfterNanos;
    private final LongSupplier nanoTime;
    private final String location;
    private final Semaphore permits;
    /** Most recently given back first: the connections in use stay few and warm. Guarded by this. */
    private final Deque<Idle> idle = new ArrayDeque<>();
    private int open;
    private boolean closed;

    /**
     * @param factory opens a new physical connection
     * @param max the most connections open at once, at least 1
     * @param maxWait how long {@link #get()} waits for a free connection
     * @param validateAfter a connection idle for longer than this is validated before it is lent
     * @param location the store's location, for messages
     */
    public ConnectionPool(ConnectionSource factory, int max, Duration maxWait, Duration validateAfter, String location) {
        this(factory, max, maxWait, validateAfter, location, System::nanoTime);
    }

    /**
     * @param factory opens a new physical connection
     * @param max the most connections open at once, at least 1
     * @param maxWait how long {@link #get()} waits for a free connection
     * @param validateAfter a connection idle for longer than this is validated before it is lent
     * @param location the store's location, for messages
     * @param nanoTime the time source of idle times, in nanoseconds ({@code System::nanoTime})
     */
    public ConnectionPool(ConnectionSource factory, int max, Duration maxWait, Duration validateAfter, String location,
                          LongSupplier nanoTime) {
        if (max < 1) {
            throw new IllegalArgumentException("a pool of at least 1 connection, got " + max);
        }
        this.factory = factory;
        this.max = max;
        this.maxWait = maxWait;
        this.validateAfterNanos = validateAfter.toNanos();
        this.nanoTime = nanoTime;
        this.location = location;
        this.permits = new Semaphore(max, true);
    }

    /**
     * @return a connection in autocommit mode, given back by closing it
     * @throws SQLException when a new connection cannot be opened
     * @throws CostStoreException when none is free within the wait, or the pool is closed
     */
    @Override
    public Connection get() throws SQLException {
        checkOpen();
        boolean acquired;
        try {
            acquired = permits.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CostStoreException(CostStoreException.Reason.UNAVAILABLE, location, "interrupted while waiting"
                    + " for a connection to the cost store " + location, false, e);
        }
        if (!acquired) {
            throw new CostStoreException(CostStoreException.Reason.UNAVAILABLE, location, "no connection to the cost"
                    + " store " + location + " became free within " + describe(maxWait) + ": all " + max
                    + " of its connections are in use; raise JdbcCostStore.Builder.maxConnections(...) or"
                    + " connectionTimeout(...), or run fewer syncs and reports at once", true, null);
        }
        boolean lent = false;
        try {
            Connection physical = borrow();
            Connection proxy = (Connection) Proxy.newProxyInstance(ConnectionPool.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, new Lent(physical));
            lent = true;
            return proxy;
        } finally {
            if (!lent) {
                permits.release();
            }
        }
    }

    /** An idle connection that is still good, or a new one; the caller holds a permit. */
    private Connection borrow() throws SQLException {
        // bounded: each turn takes one idle connection away, and there are at most max of them
        while (true) {
            Idle i;
            synchronized (this) {
                checkOpen();
                i = idle.pollFirst();
                if (i == null) {
                    open++;
                }
            }
            if (i == null) {
                try {
                    Connection c = factory.get();
                    synchronized (this) {
                        if (closed) {
                            open--;
                            closeQuietly(c);
                            checkOpen();
                        }
                    }
                    return c;
                } catch (SQLException | RuntimeException e) {
                    synchronized (this) {
                        open--;
                    }
                    throw e;
                }
            }
            if (nanoTime.getAsLong() - i.since() < validateAfterNanos || valid(i.physical())) {
                return i.physical();
            }
            log.debug("cost store {}: a pooled connection failed validation; replaced", location);
            discard(i.physical());
        }
    }

    private static boolean valid(Connection c) {
        try {
            return c.isValid(VALIDATION_TIMEOUT_SECONDS);
        } catch (SQLException e) {
            return false;
        }
    }

    private void giveBack(Connection physical, boolean broken) {
        try {
            boolean keep = !broken && !physical.isClosed();
            if (keep && !physical.getAutoCommit()) {
                physical.rollback();
                physical.setAutoCommit(true);
            }
            if (keep) {
                synchronized (this) {
                    if (!closed) {
                        idle.addFirst(new Idle(physical, nanoTime.getAsLong()));
                        return;
                    }
                }
            }
            discard(physical);
        } catch (SQLException | RuntimeException e) {
            log.debug("cost store {}: a pooled connection could not be reset; closed: {}", location, e.toString());
            discard(physical);
        } finally {
            permits.release();
        }
    }

    private void discard(Connection physical) {
        synchronized (this) {
            open--;
        }
        closeQuietly(physical);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("closing a pooled connection failed: {}", e.toString());
        }
    }

    private synchronized void checkOpen() {
        if (closed) {
            throw new CostStoreException(CostStoreException.Reason.FAILED, location, "the cost store " + location
                    + " is closed; open it again to use it", false, null);
        }
    }

    /** @return how many physical connections are open: idle, lent, or being opened */
    public synchronized int openConnections() {
        return open;
    }

    /** @return how many connections are idle in the pool */
    public synchronized int idleConnections() {
        return idle.size();
    }

    /** Closes the idle connections now and the lent ones when they are given back. */
    @Override
    public void close() {
        List<Idle> closing;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closing = new ArrayList<>(idle);
            idle.clear();
            open -= closing.size();
        }
        closing.forEach(i -> closeQuietly(i.physical()));
        // wake the callers waiting for a connection: they find the pool closed
        permits.release(max);
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** A lent connection: close() gives it back; it remembers whether it reported a connection failure. */
    private final class Lent implements InvocationHandler {
        private final Connection physical;
        private boolean returned;
        private volatile boolean broken;

        Lent(Connection physical) {
            this.physical = physical;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            int arity = args == null ? 0 : args.length;
            switch (name) {
                case "close" -> {
                    if (arity == 0) {
                        boolean give;
                        synchronized (this) {
                            give = !returned;
                            returned = true;
                        }
                        if (give) {
                            giveBack(physical, broken);
                        }
                        return null;
                    }
                }
                case "isClosed" -> {
                    if (arity == 0) {
                        synchronized (this) {
                            if (returned) {
                                return true;
                            }
                        }
                        return physical.isClosed();
                    }
                }
                case "equals" -> {
                    if (arity == 1) {
                        return proxy == args[0];
                    }
                }
                case "hashCode" -> {
                    if (arity == 0) {
                        return System.identityHashCode(proxy);
                    }
                }
                case "toString" -> {
                    if (arity == 0) {
                        return "pooled connection to " + location;
                    }
                }
                case "unwrap", "isWrapperFor" -> {
                    if (arity == 1 && args[0] instanceof Class<?> iface && iface.isInstance(proxy)) {
                        return name.equals("unwrap") ? proxy : Boolean.TRUE;
                    }
                }
                case "abort" -> broken = true;
                default -> {
                    // delegated below
                }
            }
            synchronized (this) {
                if (returned) {
                    throw new SQLException("this connection was given back to the cost store's pool", "08003");
                }
            }
            try {
                return method.invoke(physical, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                    broken = true;
                }
                throw cause;
            }
        }
    }
}
