package dev.billing.jdbc;

import dev.billing.core.spi.CostStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded default: an H2 file on disk. */
class H2CostStoreTest extends CostStoreContract {
    @TempDir
    Path dir;

    @Override
    CostStore newStore() {
        return JdbcCostStore.embedded(dir.resolve("costs"));
    }
}
