package dev.billing.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Where the store's connections come from. */
@FunctionalInterface
public interface ConnectionSource {

    /**
     * @return a new connection, in autocommit mode; the caller closes it
     * @throws SQLException when none can be had
     */
    Connection get() throws SQLException;
}
