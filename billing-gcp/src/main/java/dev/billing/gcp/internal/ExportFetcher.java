package dev.billing.gcp.internal;

import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.CredentialField;
import dev.billing.core.CredentialSchema;
import dev.billing.core.Credentials;
import dev.billing.core.InvalidCredentialsException;
import dev.billing.core.Money;
import dev.billing.core.ProviderId;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ProviderUnavailableException;
import dev.billing.core.ServiceAccount;
import dev.billing.core.support.Bounds;
import dev.billing.core.spi.Cancellation;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.gcp.GcpBillingExportProvider;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's work: runs the export query for one service account and period, polls it while
 * {@code jobComplete} is false (bounded, with backoff), reads every page, and turns each result row
 * into a cost record (USAGE, TAX or ADJUSTMENT from {@code cost_type}) and, when its credits are not
 * zero, a CREDIT record. Rows dated outside the period are dropped and counted.
 *
 * <p>Billed and effective cost follow Google's FOCUS BigQuery view of the billing export (the view's
 * template of 19 March 2024, published in Google's "FOCUS BigQuery view" guide): both are
 * {@code cost} plus the credits of every type, so each record's effective cost is its billed cost, and
 * the cost and CREDIT records of a row add up to the view's {@code BilledCost} and {@code EffectiveCost}.
 *
 * <p>Opt-in ({@link ExportQuery}): the project's labels as tags under {@code project:}, and one CREDIT record per
 * credit type (usage type {@code credit:<type>}) instead of one per row; their sum must equal the row's
 * {@code credits}, else the answer is a protocol error.
 *
 * <p>In metadata-server credential mode the project that runs the query is asked of the metadata server once per
 * provider instance (and server), not at every fetch.
 */
public final class ExportFetcher {
    /**
     * The credential schema: optional {@code serviceAccountKey} (absent: Application Default Credentials), {@code table},
     * optional {@code billingAccountId} and {@code projectId}.
     */
    public static final CredentialSchema SCHEMA = CredentialSchema.of(
            CredentialField.secret("serviceAccountKey", "Service-account key file (JSON text); absent:"
                            + " Application Default Credentials")
                    .satisfying(ServiceAccountKey::isValid, "be the JSON text of a service-account key file"
                            + " (\"type\": \"service_account\", client_email, an RSA private_key; token_uri https://,"
                            + " or http:// on a loopback host)")
                    .optional(),
            CredentialField.text("table", "Billing export table").matching(ExportQuery.TABLE.pattern(),
                    "be project.dataset.table, for example my-project.billing.gcp_billing_export_v1_0123AB_4567CD_89EF01"),
            CredentialField.text("billingAccountId", "Cloud Billing account id (only its costs)")
                    .matching("[A-Za-z0-9][A-Za-z0-9_-]{0,99}", "be a billing account id such as 0123AB-4567CD-89EF01")
                    .optional(),
            CredentialField.text("projectId", "GCP project id (only its costs)")
                    .matching("(?:[a-z0-9][a-z0-9.-]{0,62}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]",
                            "be a GCP project id: 6 to 30 lower-case letters, digits and hyphens, starting with a letter")
                    .optional());

    /** Bounds the pages of one query, so a server that keeps sending new tokens cannot loop us forever. */
    static final int MAX_PAGES = 100_000;
    private static final Pattern TABLE_ACCOUNT =
            Pattern.compile(".*\\.gcp_billing_export(?:_resource)?_v1_([0-9A-Fa-f]{6})_([0-9A-Fa-f]{6})_([0-9A-Fa-f]{6})");
    private static final Logger log = LoggerFactory.getLogger(ExportFetcher.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper LABELS = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final ProviderId PROVIDER_ID = ProviderId.of(Transport.PROVIDER);

    private final Config config;
    private final Transport transport;
    private final BigQueryClient client;
    /** The metadata server's project id, by server host: the project a workload runs in does not change under it. */
    private final Map<String, String> metadataProjects = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param config the checked configuration */
    public ExportFetcher(Config config) {
        this.config = config;
        this.transport = new Transport(config);
        this.client = new BigQueryClient(transport, new AccessTokens(transport));
    }

    /**
     * Checks the key with the token endpoint and the table and permissions with a dry run of the
     * query (BigQuery charges nothing for a dry run).
     *
     * @param account the service account
     */
    public void verify(ServiceAccount account) {
        Caller caller = caller(account, Cancellation.NONE);
        LocalDate today = LocalDate.now(config.http().clock().withZone(java.time.ZoneOffset.UTC));
        AtomicInteger requests = new AtomicInteger();
        QueryPage page = client.query(caller, queryProject(caller, requests), today, today.plusDays(1), true, requests);
        log.debug("service account {}: verified; the export query would scan {} bytes", caller.serviceAccount(),
                page.totalBytesProcessed());
    }

    /**
     * @param request what to fetch
     * @param sink where the records go
     * @return the stats
     */
    public FetchStats fetch(FetchRequest request, CostSink sink) {
        Caller caller = caller(request.account(), request.cancellation());
        BillingPeriod period = request.period();
        AtomicInteger requests = new AtomicInteger();
        QueryPage page = client.query(caller, queryProject(caller, requests), period.start(), period.end(), false,
                requests);
        page = awaitCompletion(caller, page, requests);
        checkColumns(caller, page);
        String account = accountOf(caller);
        Set<String> tokens = new HashSet<>();
        Map<String, Currency> currencies = new HashMap<>();
        Map<String, LocalDate> days = new HashMap<>();
        Map<String, Map<String, String>> labelSets = new HashMap<>();
        ExportQuery query = config.query();
        int columns = query.columns().size();
        long bytes = Math.max(0, page.totalBytesProcessed());
        long records = 0;
        long dropped = 0;
        int pages = 0;
        QueryPage job = page;
        while (true) {
            request.throwIfCancelled();
            pages++;
            long pageDropped = 0;
            for (String[] cells : page.rows()) {
                if (cells.length != columns) {
                    throw protocol(caller, "sent a row with " + cells.length + " cells, expected " + columns);
                }
                LocalDate day = days.computeIfAbsent(text(cells[0], "usage_date", caller), t -> date(t, caller));
                if (day.isBefore(period.start()) || !day.isBefore(period.end())) {
                    pageDropped++;
                    continue;
                }
                Currency currency = currencies.computeIfAbsent(text(cells[6], "currency", caller), c -> currency(c, caller));
                BigDecimal cost = decimal(cells[7], "cost", caller);
                BigDecimal credits = cells[8] == null ? BigDecimal.ZERO : decimal(cells[8], "credits", caller);
                String service = orEmpty(cells[1]);
                String region = orEmpty(cells[2]).isEmpty() ? "global" : cells[2];
                String sku = orEmpty(cells[3]);
                String gcpProject = orEmpty(cells[4]);
                String labelsJson = cells[9] == null ? "[]" : cells[9];
                String projectLabelsJson = !query.projectLabels() || cells[11] == null ? "[]" : cells[11];
                Map<String, String> tags = labelSets.computeIfAbsent(labelsJson + "\u0000" + projectLabelsJson,
                        l -> tags(labelsJson, projectLabelsJson, caller));
                BigDecimal atList = cells[10] == null ? null : decimal(cells[10], "cost_at_list", caller);
                if (cost.signum() != 0 || credits.signum() == 0 || (atList != null && atList.signum() != 0)) {
                    sink.accept(CostRecord.builder().chargeDate(day).provider(PROVIDER_ID)
                            .billingAccountId(account).subAccountId(gcpProject)
                            .serviceAccount(request.account().id()).project(request.account().project())
                            .service(service).region(region).usageType(sku).tags(tags)
                            .chargeCategory(category(orEmpty(cells[5]))).billedCost(Money.of(cost, currency))
                            .effectiveCost(Money.of(cost, currency))
                            .listCost(atList == null ? null : Money.of(atList, currency)).build());
                    records++;
                }
                Map<String, BigDecimal> creditLines = query.creditTypes()
                        ? creditsByType(cells[columns - 1], credits, caller)
                        : Map.of(sku, credits);
                for (Map.Entry<String, BigDecimal> line : creditLines.entrySet()) {
                    if (line.getValue().signum() == 0) {
                        continue;
                    }
                    sink.accept(CostRecord.builder().chargeDate(day).provider(PROVIDER_ID)
                            .billingAccountId(account).subAccountId(gcpProject)
                            .serviceAccount(request.account().id()).project(request.account().project())
                            .service(service).region(region).usageType(line.getKey()).tags(tags)
                            .chargeCategory(ChargeCategory.CREDIT).billedCost(Money.of(line.getValue(), currency))
                            .effectiveCost(Money.of(line.getValue(), currency))
                            .listCost(Money.of(BigDecimal.ZERO, currency)).build()); // a credit has no list price
                    records++;
                }
            }
            dropped += pageDropped;
            String token = page.pageToken();
            log.debug("service account {}: page {}: {} rows, {} dropped outside {}{}", caller.serviceAccount(), pages,
                    page.rows().size(), pageDropped, period, token == null ? "" : ", more pages follow");
            if (token == null) {
                break;
            }
            if (!tokens.add(token)) {
                throw protocol(caller, "sent the pageToken '" + caller.scrub(BigQueryClient.shorten(token))
                        + "' again; paging stopped instead of looping");
            }
            if (pages >= MAX_PAGES) {
                throw protocol(caller, "sent more than " + MAX_PAGES + " pages for one query");
            }
            page = client.results(caller, job, token, requests);
            if (!page.jobComplete()) {
                throw protocol(caller, "answered a page of a finished query with jobComplete false");
            }
            bytes = Math.max(bytes, page.totalBytesProcessed());
        }
        log.debug("service account {}: fetched {} records for {} in {} pages, {} requests, {} rows dropped;"
                        + " the query scanned {} bytes", caller.serviceAccount(), records, period, pages, requests.get(),
                dropped, bytes);
        return FetchStats.builder().records(records).requests(requests.get()).pages(pages)
                .droppedRows(dropped).bytesScanned(bytes).build();
    }

    /** Polls {@code jobs.getQueryResults} while the job runs: waits 100 ms, doubling to 2 s, at most {@code maxPollWait}. */
    private QueryPage awaitCompletion(Caller caller, QueryPage first, AtomicInteger requests) {
        QueryPage page = first;
        long deadline = System.nanoTime() + config.maxPollWait().toNanos();
        long wait = 100;
        int polls = 0;
        while (!page.jobComplete()) {
            if (page.jobId() == null || page.projectId() == null) {
                throw protocol(caller, "answered jobComplete false without a jobReference");
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new ProviderUnavailableException(Transport.PROVIDER + ": the export query of service account '"
                        + caller.serviceAccount() + "' was still running after " + config.maxPollWait() + " (" + polls
                        + " polls of job " + page.jobId() + "); try again later", caller.serviceAccount(), null);
            }
            transport.sleep(caller, Math.min(wait, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            wait = Math.min(wait * 2, 2_000);
            polls++;
            page = client.results(caller, page, null, requests);
            log.debug("service account {}: poll {} of job {}: jobComplete {}", caller.serviceAccount(), polls,
                    page.jobId(), page.jobComplete());
        }
        return page;
    }

    private void checkColumns(Caller caller, QueryPage page) {
        List<String> expected = config.query().columns();
        if (page.columns() == null || !page.columns().equals(expected)) {
            throw protocol(caller, "answered the export query with the columns "
                    + BigQueryClient.shorten(String.valueOf(page.columns())) + ", expected " + expected);
        }
        if ((page.jobId() == null || page.projectId() == null) && page.pageToken() != null) {
            throw protocol(caller, "sent a pageToken without a jobReference");
        }
    }

    static ChargeCategory category(String costType) {
        return switch (costType.toLowerCase(Locale.ROOT)) {
            case "tax" -> ChargeCategory.TAX;
            case "adjustment", "rounding_error" -> ChargeCategory.ADJUSTMENT;
            default -> ChargeCategory.USAGE;
        };
    }

    /** @return the billing account: the credential, else the one the export table's name carries, else "" */
    static String accountOf(Caller caller) {
        if (!caller.billingAccount().isEmpty()) {
            return caller.billingAccount();
        }
        Matcher m = TABLE_ACCOUNT.matcher(caller.table());
        return m.matches() ? (m.group(1) + "-" + m.group(2) + "-" + m.group(3)).toUpperCase(Locale.ROOT) : "";
    }

    private String queryProject(Caller caller, AtomicInteger requests) {
        if (config.queryProject() != null) {
            return config.queryProject();
        }
        GoogleCredential credential = caller.credential();
        if (credential.projectId() != null) {
            return credential.projectId();
        }
        if (credential instanceof GoogleCredential.MetadataServer server) {
            String project = metadataProjects.get(server.host());
            if (project == null) { // two first fetches at once may both ask: the same answer, harmless
                project = client.tokens().metadataProject(caller, server, requests);
                metadataProjects.putIfAbsent(server.host(), project);
            }
            return project;
        }
        throw new InvalidCredentialsException("service account '" + caller.serviceAccount() + "': " + caller.source()
                + " names no project (project_id, quota_project_id); set the provider setting 'queryProject' of "
                + Transport.PROVIDER, caller.serviceAccount(), "serviceAccountKey");
    }

    private static Caller caller(ServiceAccount account, Cancellation cancellation) {
        SCHEMA.validate(account.credentials(), account.name(), Transport.PROVIDER);
        Credentials c = account.credentials();
        String table = c.get("table").orElseThrow().trim();
        String billingAccount = c.get("billingAccountId").orElse("");
        String project = c.get("projectId").orElse("");
        java.util.Optional<String> keyText = c.get("serviceAccountKey");
        if (keyText.isPresent()) {
            return new Caller(account.name(), ServiceAccountKey.parse(keyText.get()), "the credential 'serviceAccountKey'",
                    keyText.get(), table, billingAccount, project, cancellation);
        }
        DefaultCredentials.Found found;
        try {
            found = DefaultCredentials.find();
        } catch (IllegalArgumentException e) {
            throw new InvalidCredentialsException("service account '" + account.name() + "' has no 'serviceAccountKey',"
                    + " and " + e.getMessage(), account.name(), "serviceAccountKey");
        }
        log.debug("service account {}: Application Default Credentials from {}", account.name(), found.source());
        return new Caller(account.name(), found.credential(), "the Application Default Credentials of "
                + found.source(), found.text(), table, billingAccount, project, cancellation);
    }

    /**
     * @param labels {@code TO_JSON_STRING(labels)}
     * @param projectLabels {@code TO_JSON_STRING(project.labels)}, {@code []} when not read
     * @return the row's tags: its labels, then its project's labels under {@code project:} (one shared unmodifiable
     *     map per distinct pair); a label key never has a colon, so the two never share a key
     */
    static Map<String, String> tags(String labels, String projectLabels, Caller caller) {
        Map<String, String> own = labels(labels, caller);
        Map<String, String> project = labels(projectLabels, caller);
        if (project.isEmpty()) {
            return own;
        }
        Map<String, String> tags = new java.util.LinkedHashMap<>(own);
        project.forEach((k, v) -> tags.put(GcpBillingExportProvider.PROJECT_LABEL_PREFIX + k, v));
        return Map.copyOf(tags);
    }

    /**
     * @param json the {@code credits_by_type} cell: {@code [{"type":"FREE_TIER","amount":"-1.5"}, ...]}
     * @param credits the row's {@code credits}: the amounts must add up to it
     * @return the usage type ({@code credit:<type>}) of each credit type, to its amount, in the answer's order
     */
    private static Map<String, BigDecimal> creditsByType(String json, BigDecimal credits, Caller caller) {
        com.fasterxml.jackson.databind.JsonNode array;
        try {
            array = json == null ? null : LABELS.readTree(json);
        } catch (java.io.IOException e) {
            array = null;
        }
        if (array == null || !array.isArray()) {
            throw protocol(caller, "sent credits_by_type that are not a JSON array: '"
                    + caller.scrub(BigQueryClient.shorten(String.valueOf(json))) + "'");
        }
        Map<String, BigDecimal> lines = new java.util.LinkedHashMap<>();
        BigDecimal sum = BigDecimal.ZERO;
        for (com.fasterxml.jackson.databind.JsonNode credit : array) {
            if (!credit.path("type").isTextual() || !credit.path("amount").isTextual()) {
                throw protocol(caller, "sent a credits_by_type element without a type and an amount: '"
                        + caller.scrub(BigQueryClient.shorten(json)) + "'");
            }
            BigDecimal amount = decimal(credit.get("amount").asText(), "credits_by_type amount", caller);
            lines.merge(GcpBillingExportProvider.CREDIT_TYPE_PREFIX + credit.get("type").asText(), amount, BigDecimal::add);
            sum = sum.add(amount);
        }
        if (sum.compareTo(credits) != 0) {
            throw protocol(caller, "sent credits_by_type adding up to " + sum.toPlainString() + ", not to the row's"
                    + " credits " + credits.toPlainString());
        }
        return lines;
    }

    /**
     * @param json {@code TO_JSON_STRING(labels)}: {@code [{"key":"env","value":"prod"}, ...]}
     * @return the labels as tags, key to value (one shared unmodifiable map per distinct text)
     */
    static Map<String, String> labels(String json, Caller caller) {
        com.fasterxml.jackson.databind.JsonNode array;
        try {
            array = LABELS.readTree(json);
        } catch (java.io.IOException e) {
            array = null;
        }
        if (array == null || !array.isArray()) {
            throw protocol(caller, "sent labels that are not a JSON array: '" + caller.scrub(BigQueryClient.shorten(json)) + "'");
        }
        Map<String, String> tags = new java.util.LinkedHashMap<>();
        for (com.fasterxml.jackson.databind.JsonNode label : array) {
            if (!label.path("key").isTextual()) {
                throw protocol(caller, "sent a label without a key: '" + caller.scrub(BigQueryClient.shorten(json)) + "'");
            }
            tags.put(label.get("key").asText(), label.path("value").asText(""));
        }
        return Map.copyOf(tags);
    }

    private static String text(String cell, String column, Caller caller) {
        if (cell == null) {
            throw protocol(caller, "sent a row whose " + column + " is null");
        }
        return cell;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static LocalDate date(String text, Caller caller) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw protocol(caller, "sent a row with usage_date '" + caller.scrub(BigQueryClient.shorten(text))
                    + "', expected YYYY-MM-DD");
        }
    }

    private static BigDecimal decimal(String text, String column, Caller caller) {
        if (text == null) {
            throw protocol(caller, "sent a row whose " + column + " is null");
        }
        try {
            return Bounds.decimal(text);
        } catch (NumberFormatException e) {
            throw protocol(caller, "sent a row whose " + column + " is " + caller.scrub(e.getMessage()));
        }
    }

    private static Currency currency(String code, Caller caller) {
        try {
            return Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw protocol(caller, "sent a row in currency '" + caller.scrub(BigQueryClient.shorten(code))
                    + "', not an ISO 4217 code");
        }
    }

    private static ProviderProtocolException protocol(Caller caller, String what) {
        return new ProviderProtocolException(Transport.PROVIDER + " (BigQuery) " + what + " (service account '"
                + caller.serviceAccount() + "')", caller.serviceAccount(), 200, null);
    }

    /** @return the configuration */
    public Config config() {
        return config;
    }
}
