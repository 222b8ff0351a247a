package dev.billing.testkit.internal;

import com.sun.net.httpserver.HttpExchange;
import dev.billing.testkit.Fault;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The faults of a simulator, per account, and the one place where a request meets them: which fault answers it,
 * in which order, how counted faults are spent, how hangs and delays wait and are released, and the wire faults
 * that need no vendor (a closed connection, a cut or spoilt body). What the vendor answers (status, headers,
 * error body) each simulator says through its {@link Vendor}. Thread-safe.
 */
public final class FaultBook {
    /** The wire faults every simulator takes. */
    public static final Set<Class<? extends Fault>> WIRE = Set.of(Fault.Throttle.class, Fault.ServerError.class,
            Fault.Error.class, Fault.Delay.class, Fault.Hang.class, Fault.Disconnect.class, Fault.TruncatedBody.class,
            Fault.MalformedBody.class, Fault.RejectedKey.class);
    private static final Duration HANG_LIMIT = Duration.ofMinutes(10);
    /** IMF-fixdate, RFC 9110 section 5.6.7. */
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private final String simulator;
    private final Set<Class<? extends Fault>> supported;
    private final Map<String, List<Active>> faults = new ConcurrentHashMap<>();
    /** Counted down when the faults added since the last clearing are cleared. */
    private volatile CountDownLatch release = new CountDownLatch(1);

    /**
     * How a vendor answers the faults that replace an answer, as the exception its handler turns into a response.
     *
     * @param <E> the handler's error answer
     */
    public interface Vendor<E extends Exception> {
        /** @param retryAfter the wait to announce @return the vendor's throttling answer */
        E throttle(Fault.RetryAfter retryAfter);

        /** @param status a 5xx status @return the vendor's transient server error */
        E serverError(int status);

        /** @param status the status @param code the vendor's error code @param message the message @return the answer */
        E error(int status, String code, String message);

        /** @param account the account @return the vendor's refusal of a revoked key */
        E rejectedKey(String account);
    }

    /** A fault, how many more requests it applies to, and the latch that releases the requests it holds. */
    private static final class Active {
        final Fault fault;
        final AtomicInteger remaining;
        final CountDownLatch release;

        Active(Fault fault, CountDownLatch release) {
            this.fault = fault;
            this.remaining = new AtomicInteger(fault instanceof Fault.Counted c ? c.times() : Integer.MAX_VALUE);
            this.release = release;
        }

        boolean take() {
            return remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
        }
    }

    /**
     * @param simulator the simulator's name, for refusals
     * @param dataFaults the data faults it takes besides {@link #WIRE}
     */
    public FaultBook(String simulator, Set<Class<? extends Fault>> dataFaults) {
        this.simulator = simulator;
        List<Class<? extends Fault>> all = new ArrayList<>(WIRE);
        all.addAll(dataFaults);
        this.supported = Set.copyOf(all);
    }

    /**
     * @param account an account
     * @param fault a fault for it, from now on
     * @throws IllegalArgumentException when this simulator does not take that fault
     */
    public synchronized void add(String account, Fault fault) {
        if (!supported.contains(fault.getClass())) {
            throw new IllegalArgumentException(simulator + " does not take " + fault.getClass().getSimpleName()
                    + " faults; it takes " + supported.stream().map(Class::getSimpleName).sorted().toList());
        }
        faults.computeIfAbsent(account, a -> new CopyOnWriteArrayList<>()).add(new Active(fault, release));
    }

    /** Removes every fault and releases the requests they hold. */
    public synchronized void clear() {
        faults.clear();
        CountDownLatch old = release;
        release = new CountDownLatch(1);
        old.countDown();
    }

    /** Removes every fault and releases the requests they hold, and those of faults added later. */
    public synchronized void close() {
        clear();
        release.countDown();
    }

    /**
     * @param account an account
     * @param type a fault type
     * @return whether the account has such a fault now
     */
    public boolean has(String account, Class<? extends Fault> type) {
        return first(account, type).isPresent();
    }

    /**
     * @param account an account
     * @param type a fault type
     * @param <F> the type
     * @return the first such fault of the account, if any
     */
    public <F extends Fault> Optional<F> first(String account, Class<F> type) {
        return faults.getOrDefault(account, List.of()).stream().map(f -> f.fault).filter(type::isInstance).map(type::cast)
                .findFirst();
    }

    /**
     * @param account an account
     * @return its pending throttles and server errors, spent as a client that retries would spend them
     */
    public int absorbTransient(String account) {
        int n = 0;
        for (Active f : faults.getOrDefault(account, List.of())) {
            if (f.fault instanceof Fault.Throttle || f.fault instanceof Fault.ServerError) {
                while (f.take()) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Waits until the faults are cleared or the simulator closes, or {@code most} has passed.
     *
     * @param most the longest wait
     */
    public void awaitRelease(Duration most) {
        await(release, most);
    }

    private static void await(CountDownLatch latch, Duration most) {
        try {
            latch.await(most.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Lets the faults of the accounts a request names act on it: a revoked key, a hang, then the first counted
     * fault (in the order added) that has requests left. Returns when the request is to be answered normally
     * (perhaps after a delay, perhaps with its body cut or spoilt).
     *
     * @param exchange the request
     * @param accounts the accounts it names
     * @param vendor how the vendor answers
     * @param <E> the vendor's error answer
     * @throws E the answer that replaces the normal one
     * @throws IOException for a disconnect: the handler lets it out, and the server closes the connection unanswered
     */
    public <E extends Exception> void apply(HttpExchange exchange, Collection<String> accounts, Vendor<E> vendor)
            throws E, IOException {
        for (String account : accounts) {
            if (has(account, Fault.RejectedKey.class)) {
                throw vendor.rejectedKey(account);
            }
        }
        for (String account : accounts) {
            for (Active f : faults.getOrDefault(account, List.of())) {
                if (f.fault instanceof Fault.Hang) {
                    await(f.release, HANG_LIMIT);
                    throw vendor.serverError(503);
                }
            }
        }
        for (String account : accounts) {
            for (Active f : faults.getOrDefault(account, List.of())) {
                if (f.fault instanceof Fault.Counted && f.take()) {
                    act(exchange, f, vendor);
                    return;
                }
            }
        }
    }

    private <E extends Exception> void act(HttpExchange exchange, Active active, Vendor<E> vendor) throws E, IOException {
        Fault fault = active.fault;
        if (fault instanceof Fault.Throttle t) {
            throw vendor.throttle(t.retryAfter());
        } else if (fault instanceof Fault.ServerError s) {
            throw vendor.serverError(s.status());
        } else if (fault instanceof Fault.Error e) {
            throw vendor.error(e.status(), e.code(), e.message());
        } else if (fault instanceof Fault.Delay d) {
            await(active.release, d.delay());
        } else if (fault instanceof Fault.Disconnect) {
            throw new IOException("simulated disconnect");
        } else {
            exchange.setStreams(null, new Spoiler(exchange.getResponseBody(), fault instanceof Fault.TruncatedBody));
        }
    }

    /**
     * @param retryAfter a wait
     * @return its {@code Retry-After} header value: whole seconds, or an HTTP date
     */
    public static String header(Fault.RetryAfter retryAfter) {
        if (retryAfter instanceof Fault.RetryAfter.At at) {
            return HTTP_DATE.format(at.moment());
        }
        return Long.toString(((Fault.RetryAfter.After) retryAfter).delay().toSeconds());
    }

    /**
     * @param retryAfter a wait
     * @param now the time now
     * @return the wait in whole seconds from now (an HTTP date's rounded up, never negative)
     */
    public static long seconds(Fault.RetryAfter retryAfter, Instant now) {
        if (retryAfter instanceof Fault.RetryAfter.At at) {
            long millis = Duration.between(now, at.moment()).toMillis();
            return Math.max(0, (millis + 999) / 1000);
        }
        return ((Fault.RetryAfter.After) retryAfter).delay().toSeconds();
    }

    /**
     * Cuts or spoils a body. Every simulator writes its answer's body with one {@code write} call, so the first
     * write is the whole body.
     */
    private static final class Spoiler extends FilterOutputStream {
        private final boolean truncate;
        private boolean first = true;

        Spoiler(OutputStream out, boolean truncate) {
            super(out);
            this.truncate = truncate;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (!first) {
                out.write(b, off, len);
                return;
            }
            first = false;
            int half = len / 2;
            out.write(b, off, half);
            if (truncate) {
                out.flush();
                throw new IOException("simulated truncated body");
            }
            byte[] rest = new byte[len - half];
            Arrays.fill(rest, (byte) '#');
            out.write(rest);
        }
    }
}
