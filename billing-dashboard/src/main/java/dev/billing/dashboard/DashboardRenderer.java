package dev.billing.dashboard;

import dev.billing.core.AnomalyReport;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.ProjectId;
import dev.billing.dashboard.internal.Pages;
import dev.billing.dashboard.internal.ReportView;
import dev.billing.dashboard.internal.Style;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Draws the domain dashboard and a project's dashboard of a {@link CostReport} as one self-contained
 * HTML document: totals per currency, a bar chart per currency with one bar per period (inline SVG, with
 * a table of the same values), the top services, and every service account's provider, project, status,
 * reason and time of data, failed and stale ones marked; given the period's anomalies, each chart marks the
 * periods holding one and a section lists them with their drivers. Pure: no I/O, any web framework can serve
 * the string.
 *
 * <p>The page loads nothing: no script, no external style, font or image. Serve it with
 * {@link #contentSecurityPolicy()} as its {@code Content-Security-Policy}, and, since it holds costs,
 * {@code Cache-Control: private, no-store}. Every value from configuration or providers is escaped.
 * Links are relative: serve the domain page at a path ending in {@code /} and each project's page at
 * {@code projects/{project}} below it ({@link DashboardHandler} does).
 *
 * <p>Top services need rows grouped by {@link Dimension#SERVICE}: ask for reports with
 * {@link #domainQuery} and {@link #projectQuery}. A report grouped by a tag dimension too (as
 * {@link DashboardHandler} asks for {@code ?tag=KEY}) adds the breakdown by that tag: each value's amount and
 * share per currency, {@code ""} shown as untagged; the pages' form offers the {@linkplain Builder#tagKeys
 * tag keys} given. Thread-safe and immutable.
 */
public final class DashboardRenderer {
    private final String title;
    private final int topServices;
    private final boolean jsonLink;
    private final Clock clock;
    private final List<String> tagKeys;

    private DashboardRenderer(Builder b) {
        this.title = b.title;
        this.topServices = b.topServices;
        this.jsonLink = b.jsonLink;
        this.clock = b.clock;
        this.tagKeys = List.copyOf(b.tagKeys);
    }

    /** @return a renderer with the defaults: title "Billing", 5 top services, no JSON link */
    public static DashboardRenderer create() {
        return builder().build();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this renderer's settings */
    public Builder toBuilder() {
        return new Builder().title(title).topServices(topServices).jsonLink(jsonLink).clock(clock).tagKeys(tagKeys);
    }

    /**
     * @param period the period
     * @param granularity the granularity of the chart
     * @return the query whose report the domain page shows best: the whole domain, grouped by service
     */
    public static CostQuery domainQuery(BillingPeriod period, Granularity granularity) {
        return CostQuery.builder(period).granularity(granularity).groupBy(Dimension.SERVICE).build();
    }

    /**
     * @param project the project
     * @param period the period
     * @param granularity the granularity of the chart
     * @return the query whose report a project's page shows: that project only, grouped by service
     * @throws dev.billing.core.InvalidRequestException when the project id is not valid
     */
    public static CostQuery projectQuery(String project, BillingPeriod period, Granularity granularity) {
        return CostQuery.builder(period).granularity(granularity).project(project).groupBy(Dimension.SERVICE).build();
    }

    /**
     * @param report any report; with rows grouped by service it also lists the top services
     * @return the domain dashboard
     */
    public String domain(CostReport report) {
        return domain(report, (Pages.Anomalies) null);
    }

    /**
     * @param report any report; with rows grouped by service it also lists the top services
     * @param anomalies the anomalies of the report's period ({@link dev.billing.core.AnomalyDetector#detect}): each
     *     chart marks the periods holding one, and a section lists them with their drivers
     * @return the domain dashboard
     */
    public String domain(CostReport report, AnomalyReport anomalies) {
        return domain(report, new Pages.Anomalies(anomalies.anomalies(), null));
    }

    String domain(CostReport report, Pages.Anomalies anomalies) {
        return Pages.domain(ReportView.of(Objects.requireNonNull(report, "report")), anomalies, options());
    }

    /**
     * @param report a report that covers the project, such as the answer to {@link #projectQuery}
     * @param project the project
     * @return the project's dashboard
     * @throws IllegalArgumentException when the report does not cover that project (see
     *     {@link CostReport#projects()})
     * @throws dev.billing.core.InvalidRequestException when the project id is not valid
     */
    public String project(CostReport report, String project) {
        return project(report, project, (Pages.Anomalies) null);
    }

    /**
     * @param report a report that covers the project, such as the answer to {@link #projectQuery}
     * @param project the project
     * @param anomalies anomalies of the report's period, of any projects: the project's are marked and listed
     * @return the project's dashboard
     * @throws IllegalArgumentException when the report does not cover that project (see
     *     {@link CostReport#projects()})
     * @throws dev.billing.core.InvalidRequestException when the project id is not valid
     */
    public String project(CostReport report, String project, AnomalyReport anomalies) {
        return project(report, project, new Pages.Anomalies(anomalies.anomalies(ProjectId.of(project)), null));
    }

    String project(CostReport report, String project, Pages.Anomalies anomalies) {
        return Pages.project(ReportView.of(Objects.requireNonNull(report, "report")), ProjectId.of(project), anomalies,
                options());
    }

    /**
     * @param status an HTTP status
     * @param message what went wrong, for a person (escaped)
     * @return a small page saying so, under the same policy
     */
    public String errorPage(int status, String message) {
        return Pages.error(title, status, Objects.requireNonNull(message, "message"));
    }

    /**
     * The {@code Content-Security-Policy} the pages work under: {@code default-src 'none'}, the page's own
     * style sheet allowed by its SHA-256 hash, {@code data:} images (the empty icon), forms to the same
     * origin, framing by the same origin only. No script runs under it.
     *
     * @return the policy, the same for every page
     */
    public static String contentSecurityPolicy() {
        return Style.CONTENT_SECURITY_POLICY;
    }

    private Pages.Options options() {
        return new Pages.Options(title, topServices, jsonLink, clock.instant(), tagKeys);
    }

    /** Builds a {@link DashboardRenderer}. */
    public static final class Builder {
        private String title = "Billing";
        private int topServices = 5;
        private boolean jsonLink;
        private Clock clock = Clock.systemUTC();
        private List<String> tagKeys = List.of();

        private Builder() {
        }

        /**
         * @param keys the tag keys the pages' "breakdown by tag" field offers (default none; any key can be typed),
         *     such as the canonical keys of the {@link dev.billing.core.TagAliases}; escaped
         * @return this builder
         */
        public Builder tagKeys(Collection<String> keys) {
            this.tagKeys = keys.stream().map(k -> Objects.requireNonNull(k, "tag key")).distinct().sorted().toList();
            return this;
        }

        /**
         * @param title the name in the pages' titles and headers (default "Billing"); escaped
         * @return this builder
         */
        public Builder title(String title) {
            this.title = Objects.requireNonNull(title, "title");
            return this;
        }

        /**
         * @param count how many services each currency's top list shows (default 5); the rest are summed
         *     in one line
         * @return this builder
         * @throws IllegalArgumentException when below 1
         */
        public Builder topServices(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("topServices must be at least 1, not " + count);
            }
            this.topServices = count;
            return this;
        }

        /**
         * @param link whether the pages link to the JSON report at {@code api/report} beside the domain page
         *     (default false; {@link DashboardHandler} serves it)
         * @return this builder
         */
        public Builder jsonLink(boolean link) {
            this.jsonLink = link;
            return this;
        }

        /**
         * @param clock the clock for the "drawn at" line (default UTC system clock)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @return the renderer */
        public DashboardRenderer build() {
            if (title.isBlank()) {
                throw new IllegalStateException("title must not be blank");
            }
            return new DashboardRenderer(this);
        }
    }
}
