package dev.billing.jdbc;

import dev.billing.core.CostSync;
import dev.billing.testkit.StoreFixture;
import dev.billing.testkit.StoreTestProvider;
import java.nio.file.Path;
import java.time.YearMonth;

/**
 * Run in a separate JVM by {@link CrashTest}: a first sync (three months) into a new embedded store whose
 * provider blocks in the middle of {@code web-aws 2026-02}; says it is ready once blocked and waits to be
 * killed.
 */
public final class CrashingSync {
    private CrashingSync() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        try (StoreFixture fx = new StoreFixture(42, 200); JdbcCostStore store = JdbcCostStore.embedded(file)) {
            StoreTestProvider.Block block = fx.provider().blockAfter("web-aws", YearMonth.of(2026, 2), 100);
            Thread sync = new Thread(() -> CostSync.builder(fx.billing()).store(store).clock(fx.clock()).monthsBack(2)
                    .build().sync());
            sync.setDaemon(true);
            sync.start();
            block.reached().await();
            ChildJvm.readyThenWaitToBeKilled();
            throw new IllegalStateException("never killed");
        }
    }
}
