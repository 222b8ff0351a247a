package dev.billing.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.billing.core.AnomalyDetector;
import dev.billing.core.AnomalyReport;
import dev.billing.core.BillingException;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.ProjectId;
import dev.billing.dashboard.internal.Pages;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboards for the JDK's built-in HTTP server ({@code com.sun.net.httpserver}). Mounted at a
 * context path {@code P} (ending in {@code /}, such as {@code /} or {@code /billing/}) it serves:
 * <ul>
 * <li>{@code P} — the domain dashboard; with {@code tag=KEY} (or {@code tag=tag:KEY}) also the breakdown by that
 *     tag key;</li>
 * <li>{@code P projects/{project}} — a project's dashboard (404 for a project with no service account);</li>
 * <li>{@code P api/report} — the report as JSON ({@link ReportJson}), taking also {@code project} and
 *     {@code groupBy} (comma-separated dimensions such as {@code service,region}).</li>
 * </ul>
 * Each takes {@code from} and {@code to} ({@code YYYY-MM-DD} or {@code YYYY-MM} for the 1st of the month;
 * {@code to} exclusive) and {@code granularity} ({@code DAILY}, {@code MONTHLY}, {@code YEARLY}); by
 * default the five whole months before the current one and the current month (UTC), MONTHLY. A bad
 * parameter is answered 400 with a message saying what to write; only GET and HEAD are allowed.
 *
 * <p>Every answer carries {@code Content-Security-Policy} ({@link DashboardRenderer#contentSecurityPolicy()}),
 * {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: no-referrer} and
 * {@code Cache-Control: private, no-store}: pages hold costs and never go to shared caches.
 *
 * <pre>{@code
 * HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080), 0);
 * server.createContext("/billing/", DashboardHandler.builder(billing.costs()::report).build());
 * server.start();
 * }</pre>
 *
 * <p>Each request asks the source for one report (pages ask a second one for their anomalies when
 * {@link Builder#anomalies} is set). Thread-safe when the source is.
 */
public final class DashboardHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardHandler.class);
    private static final Set<String> PAGE_PARAMETERS = Set.of("from", "to", "granularity", "tag");
    private static final Set<String> API_PARAMETERS = Set.of("from", "to", "granularity", "project", "groupBy");
    private static final String HTML = "text/html; charset=utf-8";
    private static final String JSON = "application/json; charset=utf-8";

    private final ReportSource source;
    private final DashboardRenderer renderer;
    private final Clock clock;
    private final BillingPeriod defaultPeriod;
    private final boolean asOf;
    private final AnomalyDetector detector;
    private final ReportSource anomalySource;

    private DashboardHandler(Builder b) {
        this.source = b.source;
        this.renderer = b.renderer;
        this.clock = b.clock;
        this.defaultPeriod = b.defaultPeriod;
        this.asOf = b.asOf;
        this.detector = b.detector;
        this.anomalySource = b.anomalySource;
    }

    /**
     * @param source where reports come from, such as {@code billing.costs()::report}
     * @return a builder
     */
    public static Builder builder(ReportSource source) {
        return new Builder(source);
    }

    /**
     * @param clock a clock
     * @return the default period at that clock's instant: the five whole months before the current
     *     UTC month and the current month
     */
    public static BillingPeriod defaultPeriod(Clock clock) {
        YearMonth now = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        return BillingPeriod.monthsThrough(now.minusMonths(5), now);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                page(exchange, 405, "Method " + method + " is not allowed: the dashboard answers GET and HEAD.");
                return;
            }
            String context = exchange.getHttpContext().getPath();
            String path = exchange.getRequestURI().getRawPath();
            if (!context.endsWith("/") && path.equals(context)) {
                exchange.getResponseHeaders().set("Location", context + "/"
                        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
                send(exchange, 308, HTML, "");
                return;
            }
            String rest = path.length() <= context.length() ? "" : path.substring(context.length());
            if (rest.startsWith("/")) {
                rest = rest.substring(1);
            }
            route(exchange, rest);
        } catch (IOException e) {
            LOG.debug("dashboard: the client went away: {}", e.toString());
        }
    }

    private void route(HttpExchange exchange, String rest) throws IOException {
        boolean api = rest.equals("api/report");
        boolean domain = rest.isEmpty();
        String project = null;
        if (rest.startsWith("projects/") && rest.indexOf('/', "projects/".length()) < 0) {
            project = decode(rest.substring("projects/".length()));
        }
        if (!api && !domain && project == null) {
            fail(exchange, false, 404, "Nothing here: the dashboard serves the domain page, projects/{project}"
                    + " and api/report.");
            return;
        }
        Map<String, String> params;
        CostQuery query;
        try {
            params = parameters(exchange.getRequestURI().getRawQuery(), api ? API_PARAMETERS : PAGE_PARAMETERS);
            if (project == null && api) {
                project = params.get("project");
            }
            if (project != null && !validProject(project)) {
                fail(exchange, api, 404, "No project '" + project + "': project ids are 1 to 128 letters, digits,"
                        + " '.', '_', ':' or '-'.");
                return;
            }
            query = query(params, project, api);
        } catch (InvalidRequestException e) {
            fail(exchange, api, 400, e.getMessage());
            return;
        }
        CostReport report;
        try {
            report = source.report(query);
        } catch (InvalidRequestException e) {
            // the core refuses a query naming a project nobody registered; that is an unknown page, not a bad query
            boolean unknownProject = project != null && String.valueOf(e.getMessage())
                    .startsWith("no service account is registered for project");
            fail(exchange, api, unknownProject ? 404 : 400, e.getMessage());
            return;
        } catch (BillingException e) {
            LOG.warn("dashboard: the report could not be produced: {}", e.getMessage());
            fail(exchange, api, 502, "The report could not be produced: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.warn("dashboard: the report source failed", e);
            fail(exchange, api, 500, "The report could not be produced (" + e.getClass().getSimpleName()
                    + "); see the server's log.");
            return;
        }
        if (project != null && !report.projects().containsKey(ProjectId.of(project))) {
            fail(exchange, api, 404, "No project '" + project + "': no service account belongs to it."
                    + (report.projects().isEmpty() ? "" : " Projects: " + String.join(", ",
                    report.projects().keySet().stream().map(ProjectId::value).toList()) + "."));
            return;
        }
        if (api) {
            send(exchange, 200, JSON, ReportJson.toString(report, asOf) + "\n");
        } else if (domain) {
            send(exchange, 200, HTML, renderer.domain(report, anomalies(query.period(), null)));
        } else {
            send(exchange, 200, HTML, renderer.project(report, project, anomalies(query.period(), ProjectId.of(project))));
        }
    }

    /** @return the period's anomalies (a project's, or all), why they failed, or {@code null} when not asked for */
    private Pages.Anomalies anomalies(BillingPeriod period, ProjectId project) {
        if (detector == null) {
            return null;
        }
        try {
            AnomalyReport found = detector.detect(period, anomalySource::report);
            return new Pages.Anomalies(project == null ? found.anomalies() : found.anomalies(project), null);
        } catch (BillingException e) {
            LOG.warn("dashboard: anomalies could not be judged: {}", e.getMessage());
            return new Pages.Anomalies(List.of(), e.getMessage());
        }
    }

    private static boolean validProject(String project) {
        try {
            ProjectId.of(project);
            return true;
        } catch (InvalidRequestException e) {
            return false;
        }
    }

    private CostQuery query(Map<String, String> params, String project, boolean api) {
        BillingPeriod fallback = defaultPeriod != null ? defaultPeriod : defaultPeriod(clock);
        LocalDate from = params.containsKey("from") ? day("from", params.get("from")) : fallback.start();
        LocalDate to = params.containsKey("to") ? day("to", params.get("to")) : fallback.end();
        if (!to.isAfter(from)) {
            throw new InvalidRequestException("to=" + to + " must be after from=" + from
                    + " (to is exclusive: for one day D, give from=D and to=D+1)");
        }
        Granularity granularity = params.containsKey("granularity")
                ? Granularity.parse(params.get("granularity")) : Granularity.MONTHLY;
        BillingPeriod period = BillingPeriod.of(from, to);
        if (!api) {
            CostQuery page = project == null ? DashboardRenderer.domainQuery(period, granularity)
                    : DashboardRenderer.projectQuery(project, period, granularity);
            String tag = params.getOrDefault("tag", "").strip();
            if (tag.isEmpty()) {
                return page;
            }
            // "team" or "tag:team": the page adds a breakdown by that tag key
            String key = tag.startsWith(Dimension.TAG_PREFIX) ? tag : Dimension.TAG_PREFIX + tag;
            return page.toBuilder().groupBy(Dimension.SERVICE, Dimension.parse(key)).build();
        }
        CostQuery.Builder q = CostQuery.builder(period).granularity(granularity);
        if (project != null) {
            q.project(project);
        }
        String groupBy = params.get("groupBy");
        if (groupBy != null && !groupBy.isBlank()) {
            List<Dimension> dims = new ArrayList<>();
            for (String d : groupBy.split(",", -1)) {
                Dimension dim = Dimension.parse(d.trim());
                if (dims.contains(dim)) {
                    throw new InvalidRequestException("groupBy names " + dim.key() + " twice: give each dimension once");
                }
                dims.add(dim);
            }
            q.groupBy(dims.toArray(Dimension[]::new));
        }
        return q.build();
    }

    private static LocalDate day(String name, String value) {
        try {
            return value.length() == 7 ? YearMonth.parse(value).atDay(1) : LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(name + "='" + value + "' is not a date: write YYYY-MM-DD (2026-01-31)"
                    + " or YYYY-MM (2026-01, the 1st of the month)");
        }
    }

    private static Map<String, String> parameters(String rawQuery, Set<String> allowed) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!allowed.contains(name)) {
                throw new InvalidRequestException("unknown parameter '" + name + "': use " + String.join(", ",
                        allowed.stream().sorted().toList()));
            }
            if (params.put(name, value) != null) {
                throw new InvalidRequestException("parameter '" + name + "' is given twice: give it once");
            }
        }
        return params;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("'" + text + "' is not correctly percent-encoded");
        }
    }

    private void fail(HttpExchange exchange, boolean api, int status, String message) throws IOException {
        if (api) {
            StringBuilder json = new StringBuilder();
            new dev.billing.dashboard.internal.JsonWriter(json).startObject().field("error", message).endObject();
            send(exchange, status, JSON, json + "\n");
        } else {
            page(exchange, status, message);
        }
    }

    private void page(HttpExchange exchange, int status, String message) throws IOException {
        send(exchange, status, HTML, renderer.errorPage(status, message));
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", type);
        headers.set("Content-Security-Policy", DashboardRenderer.contentSecurityPolicy());
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cache-Control", "private, no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        if (head || bytes.length == 0) {
            if (head) {
                headers.set("Content-Length", Integer.toString(bytes.length));
            }
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Builds a {@link DashboardHandler}. */
    public static final class Builder {
        private final ReportSource source;
        private DashboardRenderer renderer = DashboardRenderer.builder().jsonLink(true).build();
        private Clock clock = Clock.systemUTC();
        private BillingPeriod defaultPeriod;
        private boolean asOf;
        private AnomalyDetector detector;
        private ReportSource anomalySource;

        private Builder(ReportSource source) {
            this.source = Objects.requireNonNull(source, "source");
        }

        /**
         * @param renderer draws the pages (default: {@link DashboardRenderer} linking to the JSON report)
         * @return this builder
         */
        public Builder renderer(DashboardRenderer renderer) {
            this.renderer = Objects.requireNonNull(renderer, "renderer");
            return this;
        }

        /**
         * @param clock the clock the default period is taken from (default UTC system clock)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param period the period shown when a request gives no {@code from}/{@code to}, instead of the
         *     six months ending with the current one
         * @return this builder
         */
        public Builder defaultPeriod(BillingPeriod period) {
            this.defaultPeriod = Objects.requireNonNull(period, "period");
            return this;
        }

        /**
         * @param fromStore whether the source answers from the cost store: the JSON report then gives each
         *     synced account's {@code "asOf"}, as {@code billing report --from-store} does (default false)
         * @return this builder
         */
        public Builder fromStore(boolean fromStore) {
            this.asOf = fromStore;
            return this;
        }

        /**
         * Marks anomaly days on the pages' charts and lists them with their drivers: each page also asks
         * {@code source} for the DAILY report {@link AnomalyDetector#query} describes (the page's period and the 14
         * days before it). Off by default. When detection fails the page says so and shows the costs.
         *
         * @param detector judges the days; its listener and alert log are used as given
         * @param source where its costs come from, such as the handler's source without currency conversion
         * @return this builder
         */
        public Builder anomalies(AnomalyDetector detector, ReportSource source) {
            this.detector = Objects.requireNonNull(detector, "detector");
            this.anomalySource = Objects.requireNonNull(source, "source");
            return this;
        }

        /** @return the handler */
        public DashboardHandler build() {
            return new DashboardHandler(this);
        }
    }

}
