/**
 * The domain and project dashboards as self-contained HTML, the report JSON document, and a handler
 * for the JDK's HTTP server.
 */
module dev.billing.dashboard {
    requires transitive dev.billing.core;
    requires transitive jdk.httpserver;
    requires org.slf4j;

    exports dev.billing.dashboard;
}
