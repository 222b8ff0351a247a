package dev.billing.gcp.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one query the provider runs against the standard usage cost export: standard SQL, the table
 * validated and quoted with backticks, every value a named parameter ({@code @start}, {@code @end}
 * DATE, end exclusive; {@code @billing_account}, {@code @project} STRING, {@code ""} meaning all).
 * Costs are summed as {@code NUMERIC} (the export's {@code cost} and credit amounts are FLOAT64),
 * by UTC usage day, service, region, SKU, project, cost type, currency and labels (the line item's
 * {@code labels} array as {@code TO_JSON_STRING} writes it), with the sum of {@code cost_at_list}.
 *
 * <p>The export table is partitioned by ingestion time ({@code _PARTITIONTIME}, one partition per
 * UTC day): Cloud Billing writes a usage day's rows into that day's partition and, as costs are
 * updated and the invoice month closes, into later ones. The query reads only the partitions from
 * {@link #PARTITION_DAYS_BEFORE} day before {@code @start} to {@link #PARTITION_DAYS_AFTER} days
 * after {@code @end}, so the bytes a fetch bills follow the period, not the table's age; a row exported
 * later than that is not read.
 *
 * <p>Two opt-in columns follow {@code cost_at_list}, in this order, each only when its setting asks for it (the
 * default query is the contract's): {@value #PROJECT_LABELS} ({@code TO_JSON_STRING(project.labels)}, grouped like
 * {@code labels}) and {@value #CREDITS_BY_TYPE} (the group's credits summed per {@code credits.type}, a JSON array of
 * {@code {"type": ..., "amount": "<NUMERIC as text>"}} ordered by type; an aggregate, not grouped).
 *
 * @param projectLabels whether the query returns {@value #PROJECT_LABELS}
 * @param creditTypes whether the query returns {@value #CREDITS_BY_TYPE}
 */
public record ExportQuery(boolean projectLabels, boolean creditTypes) {
    /** The contract's result columns, in order: the default query's. */
    public static final List<String> COLUMNS =
            List.of("usage_date", "service", "region", "sku", "gcp_project", "cost_type", "currency", "cost", "credits",
                    "labels", "cost_at_list");
    /** The opt-in column of the project's labels. */
    public static final String PROJECT_LABELS = "project_labels";
    /** The opt-in column of the credits by type. */
    public static final String CREDITS_BY_TYPE = "credits_by_type";
    /** The default query: the contract's columns only. */
    public static final ExportQuery DEFAULT = new ExportQuery(false, false);

    /** Partitions read before {@code @start}: a usage day's rows are never exported before the day starts (UTC). */
    public static final int PARTITION_DAYS_BEFORE = 1;
    /** Partitions read after {@code @end}: the days in which late rows, tax and the month's adjustments arrive. */
    public static final int PARTITION_DAYS_AFTER = 40;

    /**
     * {@code project.dataset.table}: a project id (optionally {@code domain:}-scoped: lower-case letters,
     * digits, hyphens), a dataset (letters, digits, underscores) and a table (letters, digits,
     * underscores, hyphens), as BigQuery allows them. No backtick, quote, space or semicolon can pass.
     */
    public static final Pattern TABLE = Pattern.compile(
            "(?:[a-z0-9][a-z0-9.-]{0,62}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]\\.[A-Za-z0-9_]{1,1024}\\.[A-Za-z0-9_-]{1,1024}");

    /** @return the result columns, in order: {@link #COLUMNS}, then the opt-in ones asked for */
    public List<String> columns() {
        List<String> columns = new java.util.ArrayList<>(COLUMNS);
        if (projectLabels) {
            columns.add(PROJECT_LABELS);
        }
        if (creditTypes) {
            columns.add(CREDITS_BY_TYPE);
        }
        return List.copyOf(columns);
    }

    /**
     * @param table a table name that matches {@link #TABLE}
     * @return the query text
     * @throws IllegalArgumentException when the table name does not match
     */
    public String text(String table) {
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("not a BigQuery table name project.dataset.table");
        }
        return "SELECT\n"
                + "  DATE(usage_start_time) AS usage_date,\n"
                + "  IFNULL(service.description, '') AS service,\n"
                + "  IFNULL(location.region, '') AS region,\n"
                + "  IFNULL(sku.description, '') AS sku,\n"
                + "  IFNULL(project.id, '') AS gcp_project,\n"
                + "  IFNULL(cost_type, '') AS cost_type,\n"
                + "  currency,\n"
                + "  SUM(CAST(cost AS NUMERIC)) AS cost,\n"
                + "  SUM(IFNULL((SELECT SUM(CAST(c.amount AS NUMERIC)) FROM UNNEST(credits) AS c), 0)) AS credits,\n"
                + "  TO_JSON_STRING(labels) AS labels,\n"
                + "  SUM(CAST(cost_at_list AS NUMERIC)) AS cost_at_list"
                + (projectLabels ? ",\n  TO_JSON_STRING(project.labels) AS " + PROJECT_LABELS : "")
                + (creditTypes ? ",\n  TO_JSON_STRING(ARRAY(SELECT AS STRUCT IFNULL(c.type, '') AS type,"
                        + " CAST(SUM(CAST(c.amount AS NUMERIC)) AS STRING) AS amount"
                        + " FROM UNNEST(ARRAY_CONCAT_AGG(credits)) AS c GROUP BY 1 ORDER BY 1)) AS " + CREDITS_BY_TYPE : "")
                + "\n"
                + "FROM `" + table + "`\n"
                + "WHERE _PARTITIONTIME >= TIMESTAMP(DATE_SUB(@start, INTERVAL " + PARTITION_DAYS_BEFORE + " DAY))\n"
                + "  AND _PARTITIONTIME < TIMESTAMP(DATE_ADD(@end, INTERVAL " + PARTITION_DAYS_AFTER + " DAY))\n"
                + "  AND usage_start_time >= TIMESTAMP(@start)\n"
                + "  AND usage_start_time < TIMESTAMP(@end)\n"
                + "  AND (@billing_account = '' OR billing_account_id = @billing_account)\n"
                + "  AND (@project = '' OR project.id = @project)\n"
                + "GROUP BY " + grouped() + "\n"
                + "ORDER BY " + grouped();
    }

    /** @return the ordinals of the grouped columns: the contract's, and {@value #PROJECT_LABELS} when asked for */
    private String grouped() {
        return "1, 2, 3, 4, 5, 6, 7, 10" + (projectLabels ? ", " + (COLUMNS.size() + 1) : "");
    }

    /**
     * @return the {@code queryParameters} of a {@code jobs.query} request
     */
    static ArrayNode parameters(JsonNodeFactory json, LocalDate start, LocalDate end, String billingAccount,
                                String project) {
        ArrayNode params = json.arrayNode();
        params.add(parameter(json, "start", "DATE", start.toString()));
        params.add(parameter(json, "end", "DATE", end.toString()));
        params.add(parameter(json, "billing_account", "STRING", billingAccount));
        params.add(parameter(json, "project", "STRING", project));
        return params;
    }

    private static ObjectNode parameter(JsonNodeFactory json, String name, String type, String value) {
        ObjectNode p = json.objectNode().put("name", name);
        p.putObject("parameterType").put("type", type);
        p.putObject("parameterValue").put("value", value);
        return p;
    }
}
