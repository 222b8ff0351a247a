package dev.billing.jdbc;

import dev.billing.core.Credentials;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.testkit.StoreTestProvider;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Map;

/**
 * Run in a separate JVM by {@link CrashTest}: starts replacing window {@code web-aws 2026-03} of the
 * embedded store with restated data, writes part of it (several JDBC batches, checkpointed to the
 * file), then says it is ready and waits to be killed.
 */
public final class CrashingReplace {
    private CrashingReplace() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        ServiceAccount account = new ServiceAccount(ServiceAccountId.of("web-aws"), ProviderId.of(StoreTestProvider.ID),
                ProjectId.of("project-web"), Credentials.of(Map.of()), Map.of("currency", "USD"));
        StoreTestProvider provider = new StoreTestProvider(42, 200);
        provider.restate("web-aws", YearMonth.of(2026, 3));
        try (JdbcCostStore store = JdbcCostStore.builder().embedded(file).batchSize(25).build()) {
            store.replaceWindow(account, YearMonth.of(2026, 3), Instant.now(), sink -> {
                var records = provider.records(account, YearMonth.of(2026, 3));
                for (int i = 0; i < 150; i++) {
                    sink.accept(records.get(i));
                }
                try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + file.toAbsolutePath());
                     Statement s = c.createStatement()) {
                    s.execute("CHECKPOINT");
                    ChildJvm.readyThenWaitToBeKilled();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                throw new IllegalStateException("never killed");
            });
        }
    }
}
