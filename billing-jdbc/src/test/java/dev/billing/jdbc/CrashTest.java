package dev.billing.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CostSync;
import dev.billing.core.Dimension;
import dev.billing.core.spi.StoredWindow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Kills a separate JVM in the middle of replacing a window of the embedded store. */
class CrashTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(90)
    void replaceWindow_processKilledMidInsert_windowHoldsExactlyItsOldData() throws Exception {
        Path file = dir.resolve("costs");
        CostQuery query = CostQuery.builder(BillingPeriod.month(YearMonth.of(2026, 3)))
                .groupBy(Dimension.SERVICE_ACCOUNT, Dimension.SERVICE).build();
        List<StoredWindow> before;
        CostReport reportBefore;
        try (Fixture fx = new Fixture(42, 200); JdbcCostStore store = JdbcCostStore.embedded(file)) {
            CostSync sync = CostSync.builder(fx.billing).store(store).clock(fx.clock).monthsBack(0).build();
            sync.sync();
            before = store.windows(fx.account("web-aws").id());
            reportBefore = sync.report(query);
        }

        Path ready = dir.resolve("ready");
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashingReplace.class.getName(),
                file.toString(), ready.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(ready) && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.exists(ready)).as("child ready; its log: %s", Files.exists(log) ? Files.readString(log) : "")
                    .isTrue();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }

        try (Fixture fx = new Fixture(42, 200); JdbcCostStore store = JdbcCostStore.embedded(file)) {
            CostSync sync = CostSync.builder(fx.billing).store(store).clock(fx.clock).monthsBack(0).build();
            assertThat(before).singleElement().satisfies(w -> assertThat(w.records()).isGreaterThan(150));
            assertThat(store.windows(fx.account("web-aws").id())).isEqualTo(before);
            CostReport after = sync.report(query);
            assertThat(after.domain()).isEqualTo(reportBefore.domain());
            assertThat(after.rows()).isEqualTo(reportBefore.rows());
            assertThat(sync.sync().isComplete()).isTrue();
        }
    }
}
