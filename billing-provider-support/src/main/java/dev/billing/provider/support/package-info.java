/**
 * The runtime every HTTP provider shares, exported only to the provider modules: {@link
 * dev.billing.provider.support.Retrier} (the one retry loop, on resilience4j), {@link
 * dev.billing.provider.support.RetryAfter} (the one {@code Retry-After} reader), {@link
 * dev.billing.provider.support.RetryableFailure}, {@link dev.billing.provider.support.HttpClients} (the JDK client and
 * how an attempt without an answer is described), {@link dev.billing.provider.support.SettingValues} (provider
 * settings read once from their declarations) and {@link dev.billing.provider.support.SettingsProviderFactory} (the
 * factory part every provider shares). A provider keeps only its vendor's specifics: which answers are
 * transient and which headers name a wait.
 */
package dev.billing.provider.support;
