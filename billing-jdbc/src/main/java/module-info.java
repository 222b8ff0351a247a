/** The cost store on JDBC (H2 or PostgreSQL); {@code dev.billing.jdbc.internal} (schema, SQL) is not exported. */
module dev.billing.jdbc {
    requires transitive dev.billing.core;
    requires transitive java.sql;
    requires org.slf4j;
    // COPY into PostgreSQL when the application has the driver; the store works without it on H2
    requires static org.postgresql.jdbc;

    exports dev.billing.jdbc;
}
