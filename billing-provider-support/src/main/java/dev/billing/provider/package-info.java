/**
 * The settings every HTTP provider of the SDK takes: {@link dev.billing.provider.HttpSettings} (timeouts, retry
 * policy, concurrency, clock) with its {@link dev.billing.provider.RetryPolicy}.
 */
package dev.billing.provider;
