package dev.billing.examples.cli;


import com.fasterxml.jackson.core.JsonGenerator;
import dev.billing.config.BillingConfig;
import dev.billing.core.Billing;
import dev.billing.core.Budget;
import dev.billing.core.BudgetEvaluator;
import dev.billing.core.BudgetReport;
import dev.billing.core.BudgetStatus;
import dev.billing.core.CostSync;
import dev.billing.core.FetchListener;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.Metric;
import dev.billing.core.MissingExchangeRateException;
import dev.billing.jdbc.JdbcCostStore;

import java.io.PrintWriter;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.YearMonth;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code billing budgets}: each configured budget's spend, forecast and thresholds crossed for a month. */
@Command(name = "budgets", mixinStandardHelpOptions = true,
        description = {"Shows each budget of the configuration (\"budgets\") for a month: spent so far (exact, in the"
                + " budget's currency), the month-end forecast, the percent of the limit and the thresholds crossed.",
                "Forecast: spent x days in the month / days with data (days with at least one line item in the"
                        + " budget's scope), rounded HALF_EVEN to the currency's digits + 2; zero with no data yet.",
                "A threshold is crossed when the spend (or, with \"forecast\": true, the forecast) reaches that"
                        + " percent of the amount. Each first crossing prints an 'alert:' line on stderr; with"
                        + " --from-store the cost store remembers it, so it alerts once per budget, month and"
                        + " threshold.", ""},
        footer = {"", "Costs in another currency than their budget's are an error unless --rates converts them (into"
                + " each budget's own currency; --currency, when given, must be that currency).",
                "", "Exit codes: 4 a threshold of 100 %% or more is crossed, 3 some service accounts failed (or, with"
                        + " --from-store, were never synced or miss the month), 0 otherwise, 2 bad usage or"
                        + " configuration, 1 anything else."})
final class BudgetsCommand implements Callable<Integer> {
    /** A threshold of 100 % or more is crossed. */
    static final int LIMIT_REACHED = 4;

    @ParentCommand
    private BillingCli parent;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The configuration file (JSON).")
    private Path config;

    @Option(names = "--month", paramLabel = "YYYY-MM", converter = Args.Month.class,
            description = "The month (UTC); default the current one.")
    private YearMonth month;

    @Mixin
    private AllocationOption allocation;

    @Mixin
    private MetricOption metric;

    @Mixin
    private AlertingOptions output;

    @Mixin
    private CurrencyOption currency;

    @Override
    public Integer call() {
        BillingCli.Console console = parent.console();
        output.check();
        Metric cost = metric.metric();
        YearMonth m = month == null ? YearMonth.now(Clock.systemUTC()) : month;
        BillingConfig cfg = allocation.apply(Config.load(config, console.env()));
        if (cfg.budgets().isEmpty()) {
            throw CliException.usage(cfg.file() + ": budgets: there are none; add \"budgets\": [{\"name\": ...,"
                    + " \"scope\": \"domain\", \"amount\": \"5000\", \"currency\": \"USD\", \"period\": \"MONTHLY\","
                    + " \"thresholds\": [{\"percent\": 80}]}]");
        }
        currency.currencyGiven().ifPresent(c -> cfg.budgets().forEach(b -> {
            if (!b.amount().currency().equals(c)) {
                throw CliException.usage("--currency " + c + ": budget '" + b.name() + "' is in "
                        + b.amount().currency() + "; budgets count in their own currency, so leave --currency out"
                        + " (--rates converts into each budget's currency)");
            }
        }));
        BudgetEvaluator.Builder evaluator = BudgetEvaluator.builder().listener(alert -> console.err().println(
                "alert: budget '" + alert.status().budget().name() + "' (" + alert.status().budget().scope() + ") reached "
                        + alert.threshold() + " of " + alert.status().budget().amount().format() + " in "
                        + alert.status().month() + ": spent " + alert.status().spent().format() + ", forecast "
                        + alert.status().forecast().format()));
        currency.rates().ifPresent(evaluator::rates);
        evaluator.metric(cost);
        BudgetReport report;
        try (Billing billing = Session.open(cfg, output.fromStore() ? FetchListener.NONE
                : new Progress(console.err(), console.terminal()), console.err());
             JdbcCostStore costs = output.open(cfg, console.env())) {
            if (costs != null) {
                evaluator.alerts(costs.budgetAlerts());
            }
            BudgetEvaluator budgets = evaluator.build();
            report = currency.converting(() -> {
                try {
                    CostSync sync = output.fromStore() ? CostSync.builder(billing).store(costs).build() : null;
                    return budgets.evaluate(cfg.budgets(), m, sync != null
                            ? query -> SyncHints.add(sync.report(query), Clock.systemUTC()) : billing.costs()::report);
                } catch (MissingExchangeRateException e) {
                    throw e;
                } catch (InvalidRequestException e) {
                    throw CliException.usage(cfg.file() + ": budgets: " + e.getMessage() + (currency.rates().isPresent()
                            ? "" : "; to count spend in other currencies, give --rates FILE (CSV date,from,to,rate)"));
                }
            });
        }
        report.coverage().stream().filter(c -> c.error() != null).forEach(c ->
                console.err().println("warning: " + c.name() + ": " + BillingCli.oneLine(c.error())));
        if (output.json()) {
            json(report, console.out());
        } else {
            table(report, console.out());
        }
        return report.limitReached() ? LIMIT_REACHED : report.isComplete() ? BillingCli.OK : BillingCli.INCOMPLETE;
    }

    private static void table(BudgetReport report, PrintWriter out) {
        out.println("Budgets for " + report.month() + ", " + (report.isComplete() ? "complete"
                : "INCOMPLETE: some service accounts did not contribute (see the warnings)"));
        ReportWriter.Table t = new ReportWriter.Table(false);
        t.add("NAME", "SCOPE", "SPENT", "FORECAST", "LIMIT", "PERCENT", "CROSSED");
        for (BudgetStatus s : report.budgets()) {
            t.add(s.budget().name(), s.budget().scope().toString(), s.spent().format(),
                    s.daysWithData() == 0 ? "0 (no data yet)" : s.forecast().amount().toPlainString() + " "
                            + s.forecast().currency().getCurrencyCode(),
                    s.budget().amount().format(), s.percent().toPlainString() + " %",
                    s.crossed().isEmpty() ? "-" : String.join(", ", s.crossed().stream().map(Budget.Threshold::toString).toList()));
        }
        t.print(out);
        if (!report.rates().isEmpty()) {
            out.println();
            out.println("Exchange rates used");
            ReportWriter.Table rates = new ReportWriter.Table(false);
            report.rates().forEach(r -> rates.add(r.date().toString(), r.from() + " -> " + r.to(),
                    r.rate().toPlainString(), r.source()));
            rates.print(out);
        }
    }

    /** The JSON of the budgets: month, complete, and per budget its figures and crossed thresholds. */
    private static void json(BudgetReport report, PrintWriter out) {
        ReportWriter.printJson(out, g -> {
            g.writeStartObject();
            g.writeStringField("month", report.month().toString());
            g.writeBooleanField("complete", report.isComplete());
            g.writeArrayFieldStart("budgets");
            for (BudgetStatus s : report.budgets()) {
                Budget b = s.budget();
                g.writeStartObject();
                g.writeStringField("name", b.name());
                g.writeFieldName("scope");
                if (b.scope() instanceof Budget.Scope.Project p) {
                    g.writeStartObject();
                    g.writeStringField("project", p.project().value());
                    g.writeEndObject();
                } else if (b.scope() instanceof Budget.Scope.ServiceAccount a) {
                    g.writeStartObject();
                    g.writeStringField("serviceAccount", a.serviceAccount().value());
                    g.writeEndObject();
                } else {
                    g.writeString("domain");
                }
                g.writeStringField("spent", ReportWriter.exact(s.spent().amount()));
                g.writeStringField("forecast", ReportWriter.exact(s.forecast().amount()));
                g.writeStringField("amount", ReportWriter.exact(b.amount().amount()));
                g.writeStringField("currency", b.amount().currency().getCurrencyCode());
                g.writeFieldName("percent");
                g.writeNumber(number(s.percent()));
                g.writeNumberField("daysWithData", s.daysWithData());
                g.writeArrayFieldStart("crossed");
                for (Budget.Threshold t : s.crossed()) {
                    g.writeStartObject();
                    g.writeFieldName("percent");
                    g.writeNumber(number(t.percent()));
                    g.writeBooleanField("forecast", t.forecast());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** @return the value without trailing zeros and never in exponent form, as a JSON number */
    private static BigDecimal number(BigDecimal value) {
        BigDecimal v = value.stripTrailingZeros();
        return v.scale() < 0 ? v.setScale(0) : v;
    }
}
