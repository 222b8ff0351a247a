/**
 * The {@code billing.json} configuration file as a library ({@link dev.billing.config.BillingConfig}): the CLI and
 * the Spring Boot starter read the same file with the same rules and messages. Jackson is used inside only.
 */
module dev.billing.config {
    requires transitive dev.billing.core;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;

    exports dev.billing.config;
}
