package dev.billing.jdbc;

import dev.billing.core.CostSync;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.concurrent.TimeUnit;

/**
 * Run in a separate JVM by {@link CrashTest}: a first sync (three months) into a new embedded store whose
 * provider blocks in the middle of {@code web-aws 2026-02}; signals "ready" once blocked and waits to be
 * killed.
 */
public final class CrashingSync {
    private CrashingSync() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Path ready = Path.of(args[1]);
        try (Fixture fx = new Fixture(42, 200); JdbcCostStore store = JdbcCostStore.embedded(file)) {
            TestProvider.Block block = fx.provider.blockAfter("web-aws", YearMonth.of(2026, 2), 100);
            Thread sync = new Thread(() -> CostSync.builder(fx.billing).store(store).clock(fx.clock).monthsBack(2)
                    .build().sync());
            sync.setDaemon(true);
            sync.start();
            if (!block.reached().await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the provider never blocked");
            }
            Thread.sleep(500);   // let the other accounts' windows land
            Files.writeString(ready, "blocked in web-aws 2026-02");
            Thread.sleep(60_000);
            throw new IllegalStateException("never killed");
        }
    }
}
