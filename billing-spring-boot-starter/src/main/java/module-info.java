/**
 * Spring Boot auto-configuration for the Billing SDK: a {@code Billing} from {@code billing.*} properties, the
 * cost store, a scheduled {@code CostSync}, the health component {@code billing}, Micrometer meters, and the
 * dashboard with project-scoped access.
 */
module dev.billing.spring {
    requires transitive dev.billing.core;
    requires transitive dev.billing.config;
    requires transitive dev.billing.dashboard;
    requires transitive dev.billing.jdbc;
    requires transitive dev.billing.micrometer;
    requires transitive spring.boot;
    requires transitive spring.boot.autoconfigure;
    requires transitive spring.beans;
    requires transitive spring.context;
    requires transitive spring.core;
    requires java.sql;
    requires org.slf4j;
    requires static transitive spring.boot.health;
    requires static transitive jakarta.servlet;
    requires static spring.security.core;
    // only so that javac reads the Jackson annotations on Boot's Health class
    requires static com.fasterxml.jackson.annotation;

    exports dev.billing.spring;
    opens dev.billing.spring to spring.core, spring.beans, spring.context;
}
