package dev.billing.benchmarks;

import dev.billing.core.CostRecord;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/** The DuckDB peer: an in-memory database on one thread, loaded with the appender. */
final class DuckDbTable implements AutoCloseable {
    private final DuckDBConnection connection;
    private final DuckDBAppender appender;

    DuckDbTable() {
        try {
            Properties properties = new Properties();
            properties.setProperty("threads", "1");
            connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
            try (Statement st = connection.createStatement()) {
                st.execute("CREATE TABLE costs (day DATE, account VARCHAR, service_account VARCHAR, project VARCHAR,"
                        + " service VARCHAR, region VARCHAR, cost DECIMAL(18, 10))");
            }
            appender = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "costs");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a sink appending each record as a row; call {@link #loaded()} after the last */
    Consumer<CostRecord> sink() {
        return r -> {
            try {
                appender.beginRow()
                        .append(r.chargeDate())
                        .append(r.billingAccountId())
                        .append(r.serviceAccount().value())
                        .append(r.project().value())
                        .append(r.service())
                        .append(r.region())
                        .append(r.billedCost().amount())
                        .endRow();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** Flushes the appended rows. */
    void loaded() {
        try {
            appender.close();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    Connection connection() {
        return connection;
    }

    /**
     * @param sql a query whose last column is the sum and whose other columns are the key
     * @return key columns joined by {@code |}, mapped to the sum
     */
    Map<String, BigDecimal> cells(String sql) {
        Map<String, BigDecimal> cells = new HashMap<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder key = new StringBuilder();
                for (int c = 1; c < n; c++) {
                    key.append(c > 1 ? "|" : "").append(rs.getString(c));
                }
                cells.put(key.toString(), rs.getBigDecimal(n));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return cells;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
