package dev.billing.dashboard.internal;

import static dev.billing.dashboard.internal.Html.escape;

import dev.billing.core.AllocationProvenance;
import dev.billing.core.Anomaly;
import dev.billing.core.CostRow;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.SeriesPoint;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Draws the domain and project pages of a {@link ReportView} as one self-contained HTML document each. */
public final class Pages {
    private static final DateTimeFormatter INSTANT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final MathContext MC = new MathContext(20, RoundingMode.HALF_EVEN);
    private static final int MAX_X_LABELS = 8;

    /**
     * @param title the product name in the page titles
     * @param topServices how many services each currency's top list shows
     * @param jsonLink whether pages link to {@code api/report} beside them
     * @param now when the page is drawn
     * @param tagKeys the tag keys the page offers for its breakdown by tag (any other can be typed)
     */
    public record Options(String title, int topServices, boolean jsonLink, Instant now, List<String> tagKeys) {
        /** Copies the keys. */
        public Options {
            tagKeys = List.copyOf(tagKeys);
        }
    }

    /** How many values of a tag its breakdown lists; the others are summed in one line. */
    private static final int TAG_VALUES = 20;

    /**
     * The anomalies a page marks and lists.
     *
     * @param anomalies the anomalies of the page's period (all projects', or the project's), in order
     * @param error why they could not be judged, or {@code null}
     */
    public record Anomalies(List<Anomaly> anomalies, String error) {
        /** Copies the list. */
        public Anomalies {
            anomalies = List.copyOf(anomalies);
        }
    }

    private final ReportView v;
    private final Options o;
    private final Anomalies anomalies;
    private final StringBuilder h = new StringBuilder(32_768);

    private Pages(ReportView v, Options o, Anomalies anomalies) {
        this.v = v;
        this.o = o;
        this.anomalies = anomalies;
    }

    /**
     * @param v the report
     * @param anomalies the anomalies to mark and list, or {@code null} for a page without them
     * @param o options
     * @return the domain page
     */
    public static String domain(ReportView v, Anomalies anomalies, Options o) {
        Pages p = new Pages(v, o, anomalies);
        p.page(null);
        return p.h.toString();
    }

    /**
     * @param v a report that covers the project
     * @param project the project
     * @param anomalies the project's anomalies to mark and list, or {@code null} for a page without them
     * @param o options
     * @return the project's page
     * @throws IllegalArgumentException when the report does not cover the project
     */
    public static String project(ReportView v, ProjectId project, Anomalies anomalies, Options o) {
        if (!v.projects().containsKey(project)) {
            throw new IllegalArgumentException("the report does not cover project " + project.value()
                    + "; it covers " + v.projects().keySet());
        }
        Pages p = new Pages(v, o, anomalies);
        p.page(project);
        return p.h.toString();
    }

    /**
     * @param title the product name
     * @param status the HTTP status
     * @param message what went wrong and what to do, for a person
     * @return a small page saying so, under the same policy as the dashboards
     */
    public static String error(String title, int status, String message) {
        Pages p = new Pages(null, null, null);
        p.head((status == 404 ? "Not found" : "Error " + status) + " · " + title);
        p.a("<body><header class=\"top\"><div class=\"wrap\"><p class=\"crumbs\"><a href=\"/\">")
                .a(escape(title)).a("</a></p><h1>").a(status == 404 ? "Not found" : "Cannot show this page")
                .a("</h1></div></header>\n<main class=\"wrap\"><p class=\"banner bad\" role=\"alert\">")
                .a(escape(message)).a("</p></main>\n</body>\n</html>\n");
        return p.h.toString();
    }

    private Pages a(String s) {
        h.append(s);
        return this;
    }

    private void head(String title) {
        a("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .a("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .a("<meta name=\"referrer\" content=\"no-referrer\">\n")
                .a("<title>").a(escape(title)).a("</title>\n")
                .a("<link rel=\"icon\" href=\"data:,\">\n")
                .a("<style>").a(Style.CSS).a("</style>\n</head>\n");
    }

    private void page(ProjectId project) {
        ReportView.Summary summary = project == null ? v.domain() : v.projects().get(project);
        List<ReportView.Account> accounts = project == null ? v.accounts() : v.accounts(project);
        String name = project == null ? "Domain" : "Project " + project.value();
        head(name + " · " + o.title());
        a("<body>\n<header class=\"top\"><div class=\"wrap\">\n<p class=\"crumbs\">");
        if (project == null) {
            a(escape(o.title())).a(" · every billing account");
        } else {
            a("<a href=\"../").a(query(null, true)).a("\">").a(escape(o.title())).a(" · domain</a> / project");
        }
        a("</p>\n<h1>").a(escape(project == null ? "Domain billing" : project.value())).a("</h1>\n");
        LocalDate last = v.period().end().minusDays(1);
        a("<p class=\"sub\">").a(v.period().start().toString()).a(" to ").a(last.toString()).a(" · ")
                .a(v.granularity().name().toLowerCase(Locale.ROOT)).a(" · ").a(Integer.toString(accounts.size()))
                .a(accounts.size() == 1 ? " service account" : " service accounts").a("</p>\n");
        filters();
        a("</div></header>\n<main class=\"wrap\">\n");
        banner(accounts);
        totals(summary);
        series(summary);
        if (project != null) {
            allocation(project);
        }
        anomalies();
        if (project == null) {
            projects();
        }
        services(project);
        tags(project);
        coverage(accounts);
        a("</main>\n<footer class=\"wrap\"><p>Amounts are rounded to each currency's digits (half-even); currencies"
                + " are never added together.");
        if (o.jsonLink()) {
            a(" Exact amounts: <a id=\"json-link\" href=\"").a(project == null ? "" : "../").a("api/report")
                    .a(query(project, false));
            tagKey().ifPresent(k -> a("&amp;groupBy=").a(Html.urlEncode(Dimension.TAG_PREFIX + k)));
            a("\">the JSON report</a>").a(tagKey().isPresent() ? " (by tag)" : "").a(".");
        }
        a(" Drawn ").a(INSTANT.format(o.now())).a(".</p></footer>\n</body>\n</html>\n");
    }

    /**
     * @return {@code ?from=..&amp;to=..&amp;granularity=..} (and project, and the page's tag key when asked),
     *     escaped for an attribute
     */
    private String query(ProjectId project, boolean tag) {
        return "?from=" + v.period().start() + "&amp;to=" + v.period().end() + "&amp;granularity="
                + v.granularity().name() + (project == null ? "" : "&amp;project=" + Html.urlEncode(project.value()))
                + (tag ? tagKey().map(k -> "&amp;tag=" + Html.urlEncode(k)).orElse("") : "");
    }

    /** @return the tag key the report is broken down by (its group-by's tag dimension), if any */
    private Optional<String> tagKey() {
        return v.groupBy().stream().filter(Dimension.Tag.class::isInstance)
                .map(d -> ((Dimension.Tag) d).tagKey()).findFirst();
    }

    private void filters() {
        a("<form class=\"filters\" method=\"get\">\n")
                .a("<label>From <input type=\"date\" name=\"from\" required value=\"")
                .a(v.period().start().toString()).a("\"></label>\n")
                .a("<label>To (exclusive) <input type=\"date\" name=\"to\" required value=\"")
                .a(v.period().end().toString()).a("\"></label>\n")
                .a("<label>Granularity <select name=\"granularity\">");
        for (Granularity g : Granularity.values()) {
            a("<option").a(g == v.granularity() ? " selected" : "").a(">").a(g.name()).a("</option>");
        }
        a("</select></label>\n<label>Breakdown by tag <input type=\"text\" name=\"tag\" list=\"tag-keys\"")
                .a(" placeholder=\"tag key, such as team\" value=\"").a(escape(tagKey().orElse(""))).a("\"></label>\n")
                .a("<datalist id=\"tag-keys\">");
        for (String k : o.tagKeys()) {
            a("<option value=\"").a(escape(k)).a("\"></option>");
        }
        a("</datalist>\n<button type=\"submit\">Show</button>\n</form>\n");
    }

    private void banner(List<ReportView.Account> accounts) {
        long missing = accounts.stream().filter(x -> x.standing().missesCosts()).count();
        long pending = accounts.stream().filter(x -> x.standing() == ReportView.Standing.PENDING).count();
        long stale = accounts.stream().filter(x -> x.standing() == ReportView.Standing.STALE).count();
        if (accounts.isEmpty()) {
            a("<p class=\"banner warn\" role=\"status\">No service account is in this report: register one to see"
                    + " its costs.</p>\n");
        } else if (missing > 0) {
            a("<p class=\"banner bad\" role=\"alert\" id=\"completeness\" data-complete=\"false\">Incomplete: ")
                    .a(Long.toString(missing)).a(" of ").a(Integer.toString(accounts.size()))
                    .a(pending == missing ? " service accounts have not answered yet"
                            : pending > 0 ? " service accounts failed or have not answered yet" : " service accounts failed")
                    .a("; their costs are missing from every total below. See Service accounts.")
                    .a(pending > 0 ? " Reload the page to see the pending ones." : "").a("</p>\n");
        } else {
            a("<p class=\"banner ok\" role=\"status\" id=\"completeness\" data-complete=\"true\">Complete: every"
                    + " service account contributed (").a(Integer.toString(accounts.size())).a(").</p>\n");
        }
        if (stale > 0) {
            a("<p class=\"banner warn\" role=\"status\">").a(Long.toString(stale))
                    .a(stale == 1 ? " service account has" : " service accounts have")
                    .a(" stale data: included, but older than allowed.</p>\n");
        }
    }

    private void totals(ReportView.Summary s) {
        a("<section id=\"totals\" aria-labelledby=\"h-totals\">\n<h2 id=\"h-totals\">Total</h2>\n");
        if (s.totals().isEmpty() && s.converted().isEmpty()) {
            a("<p class=\"muted\">No cost in this period.</p>\n</section>\n");
            return;
        }
        a("<ul class=\"cards\">\n");
        for (Money m : s.totals()) {
            String code = m.currency().getCurrencyCode();
            a("<li class=\"card\"><span class=\"label\">").a(code).a(" · ")
                    .a(escape(m.currency().getDisplayName(Locale.ENGLISH))).a("</span>")
                    .a(money(m, "amount total")).a("</li>\n");
        }
        s.converted().ifPresent(c -> c.totals().forEach(m -> a("<li class=\"card converted\"><span class=\"label\">")
                .a("All currencies in ").a(m.currency().getCurrencyCode()).a("</span>")
                .a(money(m, "amount converted-total")).a("</li>\n")));
        a("</ul>\n</section>\n");
    }

    private static String money(Money m, String cssClass) {
        return "<data class=\"" + cssClass + "\" data-currency=\"" + m.currency().getCurrencyCode() + "\" value=\""
                + ReportDocument.exact(m.amount()) + "\">" + m.format() + "</data>";
    }

    private String bucketWord() {
        return switch (v.granularity()) {
            case DAILY -> "day";
            case MONTHLY -> "month";
            case YEARLY -> "year";
        };
    }

    /** @return the first day of every bucket of the period, in order */
    private List<LocalDate> buckets() {
        List<LocalDate> starts = new ArrayList<>();
        LocalDate d = v.granularity().bucketStart(v.period().start());
        while (d.isBefore(v.period().end())) {
            starts.add(d);
            d = switch (v.granularity()) {
                case DAILY -> d.plusDays(1);
                case MONTHLY -> d.plusMonths(1);
                case YEARLY -> d.plusYears(1);
            };
        }
        return starts;
    }

    private void series(ReportView.Summary s) {
        a("<section id=\"series\" aria-labelledby=\"h-series\">\n<h2 id=\"h-series\">By ").a(bucketWord()).a("</h2>\n");
        List<Chart> charts = new ArrayList<>();
        for (Currency c : s.currencies()) {
            charts.add(new Chart(c, s.series().stream().filter(p -> p.amount().currency().equals(c)).toList(), false));
        }
        s.converted().ifPresent(c -> charts.add(new Chart(c.currency(), c.series(), true)));
        if (charts.isEmpty()) {
            a("<p class=\"muted\">No cost in this period.</p>\n</section>\n");
            return;
        }
        a("<div class=\"grid2\">\n");
        List<LocalDate> buckets = buckets();
        for (Chart c : charts) {
            chart(c, buckets);
        }
        a("</div>\n</section>\n");
    }

    private record Chart(Currency currency, List<SeriesPoint> points, boolean converted) {
        String id() {
            return "chart-" + currency.getCurrencyCode() + (converted ? "-converted" : "");
        }
    }

    private void chart(Chart c, List<LocalDate> buckets) {
        Map<String, Money> byPeriod = new LinkedHashMap<>();
        c.points().forEach(p -> byPeriod.put(p.period(), p.amount()));
        List<Money> amounts = buckets.stream()
                .map(d -> byPeriod.getOrDefault(v.granularity().label(d), Money.zero(c.currency()))).toList();
        String code = c.currency().getCurrencyCode();
        String caption = (c.converted() ? "All currencies in " + code : code) + " by " + bucketWord();
        a("<figure class=\"chart-box\" id=\"").a(c.id()).a("\" data-currency=\"").a(code).a("\">\n<figcaption id=\"")
                .a(c.id()).a("-caption\">").a(caption).a("</figcaption>\n");
        svg(c, buckets, amounts);
        a("<div class=\"scroll\"><table class=\"series-table\"><caption class=\"vh\">").a(caption)
                .a(", the values of the chart</caption>\n<thead><tr><th scope=\"col\">")
                .a(bucketWord().substring(0, 1).toUpperCase(Locale.ROOT)).a(bucketWord().substring(1))
                .a("</th><th scope=\"col\" class=\"num\">Amount</th></tr></thead>\n<tbody>\n");
        int[] marked = marked(c, buckets);
        for (int i = 0; i < buckets.size(); i++) {
            a(marked[i] > 0 ? "<tr class=\"anomaly\">" : "<tr>").a("<th scope=\"row\">")
                    .a(v.granularity().label(buckets.get(i))).a(marked[i] > 0 ? " " + anomalyCount(marked[i]) : "")
                    .a("</th><td class=\"num\">").a(money(amounts.get(i), "amount")).a("</td></tr>\n");
        }
        a("</tbody></table></div>\n</figure>\n");
    }

    // the chart's geometry, in viewBox units
    private static final int W = 360;
    private static final int H = 180;
    private static final int LEFT = 42;
    private static final int RIGHT = 6;
    private static final int TOP = 8;
    private static final int BOTTOM = 30;

    /** @return per bucket, how many anomalies of the chart's currency fall in it (none on a converted chart) */
    private int[] marked(Chart c, List<LocalDate> buckets) {
        int[] marked = new int[buckets.size()];
        if (anomalies == null || c.converted()) {
            return marked;
        }
        for (Anomaly an : anomalies.anomalies()) {
            if (an.series().currency().equals(c.currency())) {
                int i = buckets.indexOf(v.granularity().bucketStart(an.day()));
                if (i >= 0) {
                    marked[i]++;
                }
            }
        }
        return marked;
    }

    private static String anomalyCount(int n) {
        return "(" + n + (n == 1 ? " anomaly)" : " anomalies)");
    }

    private void svg(Chart c, List<LocalDate> buckets, List<Money> amounts) {
        int[] marked = marked(c, buckets);
        BigDecimal max = BigDecimal.ZERO;
        BigDecimal min = BigDecimal.ZERO;
        for (Money m : amounts) {
            max = max.max(m.amount());
            min = min.min(m.amount());
        }
        List<BigDecimal> ticks = ticks(min, max);
        BigDecimal lo = ticks.get(0);
        BigDecimal hi = ticks.get(ticks.size() - 1);
        BigDecimal plotW = BigDecimal.valueOf(W - LEFT - RIGHT);
        BigDecimal plotH = BigDecimal.valueOf(H - TOP - BOTTOM);
        BigDecimal span = hi.subtract(lo);
        a("<svg class=\"chart\" viewBox=\"0 0 ").a(Integer.toString(W)).a(" ").a(Integer.toString(H))
                .a("\" role=\"img\" aria-labelledby=\"").a(c.id()).a("-caption\" focusable=\"false\">\n");
        for (BigDecimal t : ticks) {
            String y = coord(y(t, hi, span, plotH));
            a("<line class=\"").a(t.signum() == 0 ? "axis" : "gridline").a("\" x1=\"").a(Integer.toString(LEFT))
                    .a("\" x2=\"").a(Integer.toString(W - RIGHT)).a("\" y1=\"").a(y).a("\" y2=\"").a(y).a("\"/>")
                    .a("<text class=\"tick y\" x=\"").a(Integer.toString(LEFT - 4)).a("\" y=\"").a(y)
                    .a("\" dy=\"4\">").a(compact(t)).a("</text>\n");
        }
        int n = buckets.size();
        BigDecimal slot = plotW.divide(BigDecimal.valueOf(n), MC);
        int every = (n + MAX_X_LABELS - 1) / MAX_X_LABELS;
        for (int i = 0; i < n; i++) {
            Money m = amounts.get(i);
            BigDecimal x = BigDecimal.valueOf(LEFT).add(slot.multiply(BigDecimal.valueOf(i)));
            BigDecimal top = y(m.amount().max(BigDecimal.ZERO), hi, span, plotH);
            BigDecimal bottom = y(m.amount().min(BigDecimal.ZERO), hi, span, plotH);
            String label = v.granularity().label(buckets.get(i));
            a("<rect class=\"bar").a(m.amount().signum() < 0 ? " neg" : "").a(marked[i] > 0 ? " anomaly" : "")
                    .a("\" x=\"").a(coord(x.add(slot.multiply(new BigDecimal("0.15")))))
                    .a("\" y=\"").a(coord(top)).a("\" width=\"").a(coord(slot.multiply(new BigDecimal("0.7"))))
                    .a("\" height=\"").a(coord(bottom.subtract(top))).a("\" data-period=\"").a(label)
                    .a("\" data-amount=\"").a(ReportDocument.exact(m.amount()))
                    .a(marked[i] > 0 ? "\" data-anomalies=\"" + marked[i] : "").a("\"><title>").a(label).a(": ")
                    .a(m.format()).a(marked[i] > 0 ? " " + anomalyCount(marked[i]) : "").a("</title></rect>\n");
            if (marked[i] > 0) {
                a("<circle class=\"anomaly-mark\" cx=\"").a(coord(x.add(slot.divide(BigDecimal.valueOf(2), MC))))
                        .a("\" cy=\"").a(coord(top.subtract(BigDecimal.valueOf(4)).max(BigDecimal.valueOf(3))))
                        .a("\" r=\"3\" data-period=\"").a(label).a("\"><title>").a(label).a(": ")
                        .a(anomalyCount(marked[i])).a("</title></circle>\n");
            }
            if (i % every == 0) {
                String cx = coord(x.add(slot.divide(BigDecimal.valueOf(2), MC)));
                String[] lines = xLabel(buckets.get(i), i == 0);
                a("<text class=\"tick x\" x=\"").a(cx).a("\" y=\"").a(Integer.toString(H - BOTTOM + 13)).a("\">")
                        .a(lines[0]).a("</text>");
                if (!lines[1].isEmpty()) {
                    a("<text class=\"tick x\" x=\"").a(cx).a("\" y=\"").a(Integer.toString(H - BOTTOM + 25)).a("\">")
                            .a(lines[1]).a("</text>");
                }
                a("\n");
            }
        }
        a("</svg>\n");
    }

    private String[] xLabel(LocalDate d, boolean first) {
        return switch (v.granularity()) {
            case YEARLY -> new String[] {Integer.toString(d.getYear()), ""};
            case MONTHLY -> new String[] {d.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH),
                    first || d.getMonthValue() == 1 ? Integer.toString(d.getYear()) : ""};
            case DAILY -> new String[] {d.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH) + " "
                    + d.getDayOfMonth(), first || d.getDayOfYear() == 1 ? Integer.toString(d.getYear()) : ""};
        };
    }

    private static BigDecimal y(BigDecimal value, BigDecimal hi, BigDecimal span, BigDecimal plotH) {
        return BigDecimal.valueOf(TOP).add(hi.subtract(value).multiply(plotH).divide(span, MC));
    }

    private static String coord(BigDecimal value) {
        return value.setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
    }

    /** @return evenly spaced round values from at most {@code min} (or 0) to at least {@code max} (or 0) */
    static List<BigDecimal> ticks(BigDecimal min, BigDecimal max) {
        BigDecimal range = max.subtract(min);
        if (range.signum() == 0) {
            return List.of(BigDecimal.ZERO, BigDecimal.ONE);
        }
        BigDecimal raw = range.divide(BigDecimal.valueOf(4), MC);
        int exponent = raw.precision() - raw.scale() - 1;
        BigDecimal magnitude = BigDecimal.ONE.scaleByPowerOfTen(exponent);
        BigDecimal step = magnitude.multiply(BigDecimal.TEN);
        for (String f : new String[] {"1", "2", "2.5", "5", "10"}) {
            BigDecimal candidate = magnitude.multiply(new BigDecimal(f));
            if (candidate.compareTo(raw) >= 0) {
                step = candidate;
                break;
            }
        }
        BigDecimal lo = min.divide(step, 0, RoundingMode.FLOOR).multiply(step);
        BigDecimal hi = max.divide(step, 0, RoundingMode.CEILING).multiply(step);
        List<BigDecimal> ticks = new ArrayList<>();
        for (BigDecimal t = lo; t.compareTo(hi) <= 0 && ticks.size() < 12; t = t.add(step)) {
            ticks.add(t);
        }
        return ticks;
    }

    /** @return a short axis label: {@code 1.5k}, {@code 12M}, {@code 0.25} */
    static String compact(BigDecimal value) {
        BigDecimal abs = value.abs();
        String[] suffix = {"T", "B", "M", "k"};
        int[] power = {12, 9, 6, 3};
        for (int i = 0; i < suffix.length; i++) {
            if (abs.compareTo(BigDecimal.ONE.scaleByPowerOfTen(power[i])) >= 0) {
                return plain(value.scaleByPowerOfTen(-power[i]).setScale(1, RoundingMode.HALF_EVEN)) + suffix[i];
            }
        }
        return plain(value.setScale(Math.min(Math.max(value.scale(), 0), 2), RoundingMode.HALF_EVEN));
    }

    private static String plain(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }

    private void anomalies() {
        if (anomalies == null) {
            return;
        }
        a("<section id=\"anomalies\" aria-labelledby=\"h-anomalies\">\n<h2 id=\"h-anomalies\">Anomalies</h2>\n");
        if (anomalies.error() != null) {
            a("<p class=\"banner warn\" role=\"status\">Anomalies could not be judged: ").a(escape(anomalies.error()))
                    .a("</p>\n</section>\n");
            return;
        }
        if (anomalies.anomalies().isEmpty()) {
            a("<p class=\"muted\">No anomaly in this period: no day rose above its 14-day median by more than the"
                    + " settings allow.</p>\n</section>\n");
            return;
        }
        a("<div class=\"table-wrap\"><table class=\"anomalies-table stack\"><thead><tr><th scope=\"col\">Day</th>")
                .a("<th scope=\"col\">Project</th><th scope=\"col\">Service</th>")
                .a("<th scope=\"col\" class=\"num\">Cost</th><th scope=\"col\" class=\"num\">Baseline</th>")
                .a("<th scope=\"col\" class=\"num\">Spread</th><th scope=\"col\">Drivers</th></tr></thead>\n<tbody>\n");
        for (Anomaly an : anomalies.anomalies()) {
            Currency c = an.series().currency();
            a("<tr data-day=\"").a(an.day().toString()).a("\" data-project=\"").a(escape(an.series().project().value()))
                    .a("\"><td data-label=\"Day\"><time datetime=\"").a(an.day().toString()).a("\">")
                    .a(an.day().toString()).a("</time></td><td class=\"id\" data-label=\"Project\">")
                    .a(escape(an.series().project().value())).a("</td><td data-label=\"Service\">")
                    .a(an.series().serviceName().map(Html::escape).orElse("<span class=\"muted\">whole project</span>"))
                    .a("</td><td class=\"num\" data-label=\"Cost\">").a(money(Money.of(an.cost(), c), "amount"))
                    .a("</td><td class=\"num\" data-label=\"Baseline\">").a(money(Money.of(an.baseline(), c), "amount"))
                    .a("</td><td class=\"num\" data-label=\"Spread\">").a(money(Money.of(an.spread(), c), "amount"))
                    .a("</td><td data-label=\"Drivers\">");
            if (an.drivers().isEmpty()) {
                a("<span class=\"muted\">–</span>");
            } else {
                a("<ul class=\"drivers\">");
                for (Anomaly.Driver d : an.drivers()) {
                    a("<li>").a(escape(d.dimension().key())).a(" <b>")
                            .a(d.value().isEmpty() ? "(none)" : escape(d.value())).a("</b>: ")
                            .a(money(Money.of(d.cost(), c), "amount")).a(" (baseline ")
                            .a(money(Money.of(d.baseline(), c), "amount")).a(")</li>");
                }
                a("</ul>");
            }
            a("</td></tr>\n");
        }
        a("</tbody></table></div>\n</section>\n");
    }

    /** What the allocation moved into and out of the project, per rule or split and currency, exact. */
    private void allocation(ProjectId project) {
        if (v.allocation() == null) {
            return;
        }
        List<AllocationProvenance.Move> moves = v.allocation().moved().stream()
                .filter(m -> m.to().equals(project) || m.from().equals(project)).toList();
        a("<section id=\"allocation\" aria-labelledby=\"h-allocation\">\n<h2 id=\"h-allocation\">Allocation</h2>\n");
        if (moves.isEmpty()) {
            a("<p class=\"muted\">No rule or split moved costs into or out of this project.</p>\n</section>\n");
            return;
        }
        a("<div class=\"table-wrap\"><table class=\"allocation-table stack\"><thead><tr>")
                .a("<th scope=\"col\">Rule or split</th><th scope=\"col\">From</th><th scope=\"col\">To</th>")
                .a("<th scope=\"col\" class=\"num\">Amount</th></tr></thead>\n<tbody>\n");
        for (AllocationProvenance.Move m : moves) {
            a("<tr class=\"").a(m.to().equals(project) ? "received" : "sent").a("\"><td>").a(escape(m.by()))
                    .a("</td><td>").a(escape(m.from().value())).a("</td><td>").a(escape(m.to().value()))
                    .a("</td><td class=\"num\">").a(money(new Money(m.amount(), m.currency()), "amount"))
                    .a("</td></tr>\n");
        }
        a("</tbody></table></div>\n<p class=\"muted\">Allocation ").a(escape(v.allocation().fingerprint()))
                .a(". Costs received keep their service, region and tags.</p>\n</section>\n");
    }

    private void services(ProjectId project) {
        a("<section id=\"services\" aria-labelledby=\"h-services\">\n<h2 id=\"h-services\">Top services</h2>\n");
        List<CostRow> rows = v.groupBy().contains(Dimension.SERVICE) ? pageRows(project) : null;
        if (rows == null) {
            a("<p class=\"muted\">This report is not grouped by service.</p>\n</section>\n");
            return;
        }
        ranking(rows, Dimension.SERVICE, "services-table", "Service", o.topServices(), "service", "services");
    }

    /** The breakdown by the report's tag key, when it has one: each value's amount and share, per currency. */
    private void tags(ProjectId project) {
        Optional<String> key = tagKey();
        List<CostRow> rows = pageRows(project);
        if (key.isEmpty() || rows == null) {
            return;
        }
        a("<section id=\"tags\" data-tag-key=\"").a(escape(key.get())).a("\" aria-labelledby=\"h-tags\">\n")
                .a("<h2 id=\"h-tags\">By tag <code>").a(escape(key.get())).a("</code></h2>\n");
        ranking(rows, Dimension.tag(key.get()), "tags-table", "Value", TAG_VALUES, "value", "values");
    }

    /** Per currency, each value of {@code dimension} with its amount and share, largest first; then the rest summed. */
    private void ranking(List<CostRow> rows, Dimension dimension, String tableClass, String column, int top,
                         String one, String many) {
        Map<Currency, Map<String, BigDecimal>> byCurrency = new TreeMap<>(Comparator.comparing(Currency::getCurrencyCode));
        for (CostRow r : rows) {
            byCurrency.computeIfAbsent(r.amount().currency(), c -> new TreeMap<>())
                    .merge(r.keys().get(dimension), r.amount().amount(), BigDecimal::add);
        }
        if (byCurrency.isEmpty()) {
            a("<p class=\"muted\">No cost in this period.</p>\n</section>\n");
            return;
        }
        a("<div class=\"grid2\">\n");
        for (Map.Entry<Currency, Map<String, BigDecimal>> e : byCurrency.entrySet()) {
            Currency currency = e.getKey();
            String code = currency.getCurrencyCode();
            BigDecimal total = e.getValue().values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            List<Map.Entry<String, BigDecimal>> sorted = e.getValue().entrySet().stream()
                    .sorted(Map.Entry.<String, BigDecimal>comparingByValue().reversed()
                            .thenComparing(Map.Entry.comparingByKey()))
                    .toList();
            a("<div><h3>").a(code).a("</h3>\n<table class=\"").a(tableClass).a("\" data-currency=\"").a(code)
                    .a("\"><thead><tr><th scope=\"col\">").a(column).a("</th><th scope=\"col\" class=\"num\">Amount</th>")
                    .a("<th scope=\"col\" class=\"num\">Share</th></tr></thead>\n<tbody>\n");
            int shown = Math.min(top, sorted.size());
            for (int i = 0; i < shown; i++) {
                Map.Entry<String, BigDecimal> s = sorted.get(i);
                a(dimension instanceof Dimension.Tag ? "<tr data-value=\"" + escape(s.getKey()) + "\">" : "<tr>")
                        .a("<td class=\"").a(one).a("\">")
                        .a(s.getKey().isEmpty() && dimension instanceof Dimension.Tag
                                ? "<span class=\"muted\">(untagged)</span>" : escape(s.getKey()))
                        .a("</td><td class=\"num\">").a(money(Money.of(s.getValue(), currency), "amount"))
                        .a("</td><td class=\"num\">").a(share(s.getValue(), total)).a("</td></tr>\n");
            }
            if (sorted.size() > shown) {
                BigDecimal rest = sorted.subList(shown, sorted.size()).stream().map(Map.Entry::getValue)
                        .reduce(BigDecimal.ZERO, BigDecimal::add);
                int others = sorted.size() - shown;
                a("<tr class=\"other\"><td>").a(Integer.toString(others)).a(" other ").a(others == 1 ? one : many)
                        .a("</td><td class=\"num\">").a(money(Money.of(rest, currency), "amount"))
                        .a("</td><td class=\"num\">").a(share(rest, total)).a("</td></tr>\n");
            }
            a("</tbody></table></div>\n");
        }
        a("</div>\n</section>\n");
    }

    /** @return the page's rows (its project's on a project page), or {@code null} when the report cannot tell */
    private List<CostRow> pageRows(ProjectId project) {
        if (project == null) {
            return v.rows();
        }
        if (v.groupBy().contains(Dimension.PROJECT)) {
            return v.rows().stream().filter(r -> project.value().equals(r.keys().get(Dimension.PROJECT))).toList();
        }
        return v.projects().keySet().equals(Set.of(project)) ? v.rows() : null;
    }

    private static String share(BigDecimal part, BigDecimal total) {
        if (total.signum() <= 0) {
            return "–";
        }
        return part.multiply(BigDecimal.valueOf(100)).divide(total, 1, RoundingMode.HALF_EVEN).toPlainString() + " %";
    }

    private void projects() {
        a("<section id=\"projects\" aria-labelledby=\"h-projects\">\n<h2 id=\"h-projects\">Projects</h2>\n");
        if (v.projects().isEmpty()) {
            a("<p class=\"muted\">No project has a service account.</p>\n</section>\n");
            return;
        }
        a("<div class=\"table-wrap\"><table class=\"projects-table stack\"><thead><tr><th scope=\"col\">Project</th>")
                .a("<th scope=\"col\" class=\"num\">Total</th><th scope=\"col\">Accounts</th></tr></thead>\n<tbody>\n");
        for (Map.Entry<ProjectId, ReportView.Summary> p : v.projects().entrySet()) {
            List<ReportView.Account> accounts = v.accounts(p.getKey());
            long pending = accounts.stream().filter(x -> x.standing() == ReportView.Standing.PENDING).count();
            long missing = accounts.stream().filter(x -> x.standing().missesCosts()).count() - pending;
            a("<tr data-project=\"").a(escape(p.getKey().value())).a("\"><td class=\"id\" data-label=\"Project\"><a href=\"projects/")
                    .a(Html.urlEncode(p.getKey().value())).a(query(null, true)).a("\">").a(escape(p.getKey().value()))
                    .a("</a></td><td class=\"num\" data-label=\"Total\">");
            if (p.getValue().totals().isEmpty()) {
                a("<span class=\"muted\">no cost</span>");
            } else {
                a("<span class=\"lines\">");
                p.getValue().totals().forEach(m -> a(money(m, "amount total")));
                a("</span>");
            }
            a("</td><td data-label=\"Accounts\"><span>").a(Integer.toString(accounts.size()));
            if (missing > 0) {
                a(" <span class=\"badge b-failed\">").a(Long.toString(missing)).a(" failed</span>");
            }
            if (pending > 0) {
                a(" <span class=\"badge b-pending\">").a(Long.toString(pending)).a(" pending</span>");
            }
            a("</span></td></tr>\n");
        }
        a("</tbody></table></div>\n</section>\n");
    }

    private void coverage(List<ReportView.Account> accounts) {
        a("<section id=\"coverage\" aria-labelledby=\"h-coverage\">\n<h2 id=\"h-coverage\">Service accounts</h2>\n");
        if (accounts.isEmpty()) {
            a("<p class=\"muted\">None.</p>\n</section>\n");
            return;
        }
        a("<div class=\"table-wrap\"><table class=\"coverage-table stack\"><thead><tr><th scope=\"col\">Service account</th>")
                .a("<th scope=\"col\">Provider</th><th scope=\"col\">Project</th><th scope=\"col\">Status</th>")
                .a("<th scope=\"col\">Reason</th><th scope=\"col\">As of</th></tr></thead>\n<tbody>\n");
        for (ReportView.Account x : accounts) {
            String standing = x.standing().name().toLowerCase(Locale.ROOT);
            a("<tr class=\"st-").a(standing).a("\" data-status=\"").a(escape(x.status())).a("\">")
                    .a("<td class=\"name id\" data-label=\"Service account\">").a(escape(x.name())).a("</td>")
                    .a("<td class=\"id\" data-label=\"Provider\">").a(escape(x.provider())).a("</td>")
                    .a("<td class=\"id\" data-label=\"Project\">").a(escape(x.project())).a("</td>")
                    .a("<td data-label=\"Status\"><span class=\"badge b-").a(standing).a("\">").a(escape(x.status()))
                    .a("</span></td><td class=\"reason\" data-label=\"Reason\">")
                    .a(x.reason().isEmpty() ? "<span class=\"muted\">–</span>" : escape(x.reason()))
                    .a("</td><td data-label=\"As of\"><time datetime=\"").a(x.asOf().toString()).a("\">")
                    .a(INSTANT.format(x.asOf())).a("</time></td></tr>\n");
        }
        a("</tbody></table></div>\n</section>\n");
    }
}
