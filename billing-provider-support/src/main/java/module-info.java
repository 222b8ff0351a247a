/**
 * What every HTTP provider of the SDK shares. {@code dev.billing.provider} is public: the {@link
 * dev.billing.provider.HttpSettings} value every provider builder accepts and its {@link
 * dev.billing.provider.RetryPolicy}. {@code dev.billing.provider.support} (the retry loop, the {@code Retry-After}
 * reader, the settings reader and factory base, endpoint and argument checks) is exported only to the provider
 * modules.
 */
module dev.billing.provider {
    requires transitive dev.billing.core;
    requires transitive java.net.http;
    requires io.github.resilience4j.core;
    requires io.github.resilience4j.retry;

    exports dev.billing.provider;
    exports dev.billing.provider.support to dev.billing.hyperbilling, dev.billing.azure, dev.billing.gcp, dev.billing.aws;
}
