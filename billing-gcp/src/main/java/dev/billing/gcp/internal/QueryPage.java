package dev.billing.gcp.internal;

import java.util.List;

/**
 * One answer of {@code jobs.query} or {@code jobs.getQueryResults}.
 *
 * @param jobComplete whether the query has finished; when false there are no rows or schema
 * @param projectId the job's project ({@code jobReference.projectId})
 * @param jobId the job's id ({@code jobReference.jobId})
 * @param location the job's location ({@code jobReference.location}), or null
 * @param columns the schema's field names, in order, or null when absent
 * @param rows each row's cell values ({@code f[].v}) as text, a null cell as null
 * @param pageToken the next page's token, or null on the last page
 * @param totalBytesProcessed the bytes the query scanned, or -1 when not given
 */
record QueryPage(boolean jobComplete, String projectId, String jobId, String location, List<String> columns,
                 List<String[]> rows, String pageToken, long totalBytesProcessed) {
}
