package dev.billing.testkit;

import dev.billing.provider.HttpSettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link HttpSettings.Sleeper} that records each wait a provider asks for between attempts and returns at once:
 * a test asserts the waits (a {@code Retry-After}, a backoff) without sleeping and without timing the machine.
 *
 * <pre>{@code
 * RecordingSleeper sleeper = new RecordingSleeper();
 * HttpSettings http = HttpSettings.builder().sleeper(sleeper).build();
 * // ... fetch against a server that answers 429 with Retry-After: 7 ...
 * assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(7));
 * }</pre>
 */
public final class RecordingSleeper implements HttpSettings.Sleeper {
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    /** Creates a sleeper that has recorded nothing. */
    public RecordingSleeper() {
    }

    @Override
    public CompletableFuture<Void> sleep(Duration delay) {
        waits.add(delay);
        return CompletableFuture.completedFuture(null);
    }

    /** @return the waits asked for so far, in order */
    public List<Duration> waits() {
        return List.copyOf(waits);
    }
}
