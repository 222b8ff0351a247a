package dev.billing.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.spi.CostStore;
import dev.billing.testkit.CostStoreContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded default: an H2 file on disk. */
class H2CostStoreTest extends CostStoreContract {
    @TempDir
    Path dir;

    @Override
    protected CostStore newStore() {
        return JdbcCostStore.embedded(dir.resolve("costs"));
    }

    @Override
    protected void assertNoTransactionHeldBy(String blockedSync) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("costs").toAbsolutePath());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS"
                     + " WHERE CONTAINS_UNCOMMITTED AND SESSION_ID <> SESSION_ID()")) {
            rs.next();
            assertThat(rs.getInt(1)).as("sessions with uncommitted changes while the %s waits", blockedSync).isZero();
        }
    }
}
