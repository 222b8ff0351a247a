package dev.billing.gcp.internal;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * The provider's configuration, checked by its builder.
 *
 * @param endpoint the BigQuery API base URL, for example {@code https://bigquery.googleapis.com}
 * @param queryProject the project that runs the query, or null for the key's {@code project_id}
 * @param location the dataset's location, or null to let BigQuery find it
 * @param connectTimeout the connect timeout
 * @param requestTimeout the timeout of each HTTP request
 * @param maxAttempts attempts per request, retries included
 * @param initialBackoff the first wait before a retry
 * @param maxBackoff the longest wait before a retry
 * @param maxRetryAfter the longest {@code Retry-After} honoured
 * @param maxPollWait how long a query may run before the fetch gives up
 * @param pageSize rows per page asked for ({@code maxResults})
 * @param maximumBytesBilled the most bytes one query may bill, 0 for BigQuery's default (no limit)
 * @param clock the clock JWTs and token expiry use
 */
public record Config(URI endpoint, String queryProject, String location, Duration connectTimeout,
                     Duration requestTimeout, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                     Duration maxRetryAfter, Duration maxPollWait, int pageSize, long maximumBytesBilled,
                     Clock clock) {
}
