package dev.billing.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.CostStoreException;
import dev.billing.core.CostStoreException.Reason;
import dev.billing.jdbc.internal.StoreErrors;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** How driver failures become typed store errors with one-line messages; the real ones are in the CLI's tests. */
class StoreErrorsTest {
    private static final String FILE = "/data/billing/costs.mv.db";

    @Test
    void diskFull_fromH2sIoExceptionOrPostgres53100_isDiskFullNamingTheStoreAndTheFix() {
        SQLException h2 = new SQLException("IO Exception: \"" + FILE + "\" [90028-252]", "90028", 90028,
                new IOException("No space left on device"));
        CostStoreException e = StoreErrors.of("replacing window 2026-03", FILE, "prod-aws", h2);

        assertThat(e.reason()).isEqualTo(Reason.DISK_FULL);
        assertThat(e.location()).isEqualTo(FILE);
        assertThat(e.getMessage()).contains(FILE, "is full", "prod-aws", "free some space").doesNotContain("\n");
        assertThat(StoreErrors.classify(new SQLException("could not extend file", "53100"))).isEqualTo(Reason.DISK_FULL);
    }

    @Test
    void readOnlyLockedAndNotAStore_areToldApartWithoutTheCallerReadingMessages() {
        assertThat(StoreErrors.classify(new SQLException("IO Exception", "90028", 90028,
                new IllegalStateException("Could not open file", new AccessDeniedException(FILE)))))
                .isEqualTo(Reason.READ_ONLY);
        assertThat(StoreErrors.classify(new SQLException("The database is read only", "90097"))).isEqualTo(Reason.READ_ONLY);
        assertThat(StoreErrors.classify(new SQLException("Database may be already in use", "90020")))
                .isEqualTo(Reason.LOCKED);
        assertThat(StoreErrors.classify(new SQLException("IO Exception", "90028", 90028,
                new IllegalStateException("Reading from file failed at 17", new java.io.EOFException()))))
                .isEqualTo(Reason.NOT_A_STORE);
        assertThat(StoreErrors.classify(new SQLException("Connection refused", "08001"))).isEqualTo(Reason.UNAVAILABLE);
        assertThat(StoreErrors.classify(new SQLException("syntax error", "42601"))).isEqualTo(Reason.FAILED);
    }
}
