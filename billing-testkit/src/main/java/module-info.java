/**
 * Test helpers: loopback simulators, a fake provider, the provider-neutral contract kit and the cost store
 * contract ({@code CostStoreContract}, with its {@code StoreFixture} and {@code StoreTestProvider}). JUnit 5 and
 * AssertJ are needed only by the contract kit and the JUnit extension, which a test classpath has anyway.
 */
module dev.billing.testkit {
    requires transitive dev.billing.provider;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires jdk.httpserver;
    requires static transitive org.junit.jupiter.api;
    requires static transitive org.junit.jupiter.params;
    requires static org.assertj.core;

    exports dev.billing.testkit;
}
