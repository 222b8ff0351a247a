package dev.billing.gcp.internal;

import dev.billing.provider.HttpSettings;
import java.net.URI;
import java.time.Duration;

/**
 * The provider's configuration, checked by its builder.
 *
 * @param endpoint the BigQuery API base URL, for example {@code https://bigquery.googleapis.com}
 * @param queryProject the project that runs the query, or null for the key's {@code project_id}
 * @param location the dataset's location, or null to let BigQuery find it
 * @param http timeouts, retry policy, the clock JWTs and token expiry use
 * @param maxPollWait how long a query may run before the fetch gives up
 * @param pageSize rows per page asked for ({@code maxResults})
 * @param maximumBytesBilled the most bytes one query may bill, 0 for BigQuery's default (no limit)
 * @param query the export query's shape: which opt-in columns it returns
 */
public record Config(URI endpoint, String queryProject, String location, HttpSettings http, Duration maxPollWait,
                     int pageSize, long maximumBytesBilled, ExportQuery query) {
}
