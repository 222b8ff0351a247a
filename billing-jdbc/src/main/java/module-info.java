/** The cost store on JDBC (H2 or PostgreSQL); {@code dev.billing.jdbc.internal} (schema, SQL) is not exported. */
module dev.billing.jdbc {
    requires transitive dev.billing.core;
    requires transitive java.sql;
    requires org.slf4j;

    exports dev.billing.jdbc;
}
