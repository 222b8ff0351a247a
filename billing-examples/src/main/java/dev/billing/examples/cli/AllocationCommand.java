package dev.billing.examples.cli;


import com.fasterxml.jackson.core.JsonGenerator;
import dev.billing.config.BillingConfig;
import dev.billing.core.AccountCoverage;
import dev.billing.core.Allocation;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import java.io.IOException;
import java.io.PrintWriter;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code billing allocation}: the configuration's cost allocation; {@code check} validates it against a period. */
@Command(name = "allocation", mixinStandardHelpOptions = true, subcommands = AllocationCommand.Check.class,
        description = "The configuration's \"allocation\": rules that route costs to projects and splits that divide"
                + " shared costs (docs/allocation.md). Use 'billing allocation check'.")
final class AllocationCommand implements Callable<Integer> {
    @ParentCommand
    private BillingCli parent;

    @Override
    public Integer call() {
        throw CliException.usage("name a subcommand: billing allocation check --config FILE --from START --to END");
    }

    /** {@code billing allocation check}: validates, then counts what each rule and split matches in a period. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Validates the configuration's allocation (exit 2 with one line naming the rule when it is"
                    + " invalid), then fetches the period's line items and prints, per rule and split, how many line"
                    + " items and how much billed cost it matched, and what no rule matched.", ""},
            footer = {"", "Exit codes: 0 done, 3 some service accounts failed (their line items are not counted),"
                    + " 2 bad usage or configuration (including an invalid allocation), 1 anything else."})
    static final class Check implements Callable<Integer> {
        @ParentCommand
        private AllocationCommand parent;

        @Option(names = "--config", required = true, paramLabel = "FILE",
                description = "The configuration file (JSON).")
        private Path config;

        @Option(names = "--from", required = true, paramLabel = "START", converter = Args.Day.class,
                description = "First day, inclusive: YYYY-MM-DD, or YYYY-MM for the 1st of that month.")
        private LocalDate from;

        @Option(names = "--to", required = true, paramLabel = "END", converter = Args.Day.class,
                description = "End, exclusive: YYYY-MM-DD, or YYYY-MM for the 1st of that month.")
        private LocalDate to;

        @Option(names = "--format", paramLabel = "F", defaultValue = "table", description = "table (default) or json.")
        private Format format;

        /** The output formats. */
        enum Format {
            table, json
        }

        @Override
        public Integer call() {
            BillingCli.Console console = parent.parent.console();
            if (!to.isAfter(from)) {
                throw CliException.usage("--to " + to + " must be after --from " + from);
            }
            BillingConfig cfg = Config.load(config, console.env());
            Allocation allocation = cfg.allocation();
            List<Tally> rules = new ArrayList<>();
            allocation.rules().forEach(r -> rules.add(new Tally(r.name())));
            List<Tally> splits = new ArrayList<>();
            allocation.splits().forEach(s -> splits.add(new Tally(s.name())));
            Tally unmatched = new Tally("(no rule)");
            List<AccountCoverage> coverage;
            try (Billing billing = Session.open(cfg.withoutAllocation(), new Progress(console.err(),
                    console.terminal()), console.err())) {
                CostQuery query = CostQuery.builder(BillingPeriod.of(from, to)).granularity(Granularity.DAILY)
                        .tagAliases(billing.tagAliases()).rawCosts(true).build();
                coverage = billing.costs().lineItems(query, r -> count(allocation, query, r, rules, splits, unmatched));
            }
            if (format == Format.json) {
                json(allocation, rules, splits, unmatched, coverage, console.out());
            } else {
                table(allocation, rules, splits, unmatched, console.out());
            }
            coverage.stream().filter(c -> c.error() != null).forEach(c -> console.err().println("warning: "
                    + c.name() + " failed, its line items are not counted: " + BillingCli.oneLine(c.error())));
            return coverage.stream().allMatch(c -> c.error() == null) ? BillingCli.OK : BillingCli.INCOMPLETE;
        }

        /** Files one line item under the rule that routes it (or none) and the split whose source it is. */
        private static void count(Allocation allocation, CostQuery query, CostRecord r, List<Tally> rules,
                                  List<Tally> splits, Tally unmatched) {
            Function<Dimension, String> values = d -> query.valueOf(d, r);
            ProjectId routed = r.project();
            Tally rule = unmatched;
            for (int i = 0; i < allocation.rules().size(); i++) {
                Allocation.Rule candidate = allocation.rules().get(i);
                ProjectId target = candidate.matches(values) ? candidate.target(values) : null;
                if (target != null) {
                    routed = target;
                    rule = rules.get(i);
                    break;
                }
            }
            rule.add(r.billedCost());
            ProjectId project = routed;
            Function<Dimension, String> after = d -> d == Dimension.PROJECT ? project.value() : values.apply(d);
            for (int i = 0; i < allocation.splits().size(); i++) {
                if (allocation.splits().get(i).matches(after)) {
                    splits.get(i).add(r.billedCost());
                    return;
                }
            }
        }

        private static void table(Allocation allocation, List<Tally> rules, List<Tally> splits, Tally unmatched,
                                  PrintWriter out) {
            out.println("Allocation " + allocation.fingerprint() + ": " + rules.size() + " rules, " + splits.size()
                    + " splits; valid");
            ReportWriter.Table t = new ReportWriter.Table(false);
            t.add("KIND", "NAME", "LINE ITEMS", "BILLED COST");
            rules.forEach(x -> t.add("rule", x.name, Long.toString(x.lineItems), x.costs()));
            t.add("", unmatched.name, Long.toString(unmatched.lineItems), unmatched.costs());
            splits.forEach(x -> t.add("split", x.name, Long.toString(x.lineItems), x.costs()));
            t.print(out);
        }

        private static void json(Allocation allocation, List<Tally> rules, List<Tally> splits, Tally unmatched,
                                 List<AccountCoverage> coverage, PrintWriter out) {
            ReportWriter.printJson(out, g -> {
                g.writeStartObject();
                g.writeStringField("fingerprint", allocation.fingerprint());
                g.writeArrayFieldStart("rules");
                for (Tally x : rules) {
                    x.write(g);
                }
                g.writeEndArray();
                g.writeFieldName("unmatched");
                unmatched.write(g);
                g.writeArrayFieldStart("splits");
                for (Tally x : splits) {
                    x.write(g);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("serviceAccounts");
                for (AccountCoverage c : coverage) {
                    g.writeStartObject();
                    g.writeStringField("name", c.name());
                    g.writeStringField("provider", c.provider().value());
                    g.writeStringField("project", c.project().value());
                    g.writeStringField("status", c.code().name());
                    if (c.error() != null) {
                        g.writeStringField("error", BillingCli.oneLine(c.error()));
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            });
        }
    }

    /** How many line items, and how much cost per currency, one rule or split matched. */
    private static final class Tally {
        final String name;
        long lineItems;
        final Map<String, BigDecimal> cost = new TreeMap<>();

        Tally(String name) {
            this.name = name;
        }

        void add(Money m) {
            lineItems++;
            cost.merge(m.currency().getCurrencyCode(), m.amount(), BigDecimal::add);
        }

        String costs() {
            List<String> parts = new ArrayList<>();
            cost.forEach((c, v) -> parts.add(Money.of(v, Money.currency(c)).format()));
            return parts.isEmpty() ? "none" : String.join(", ", parts);
        }

        void write(JsonGenerator g) throws IOException {
            g.writeStartObject();
            g.writeStringField("name", name);
            g.writeNumberField("lineItems", lineItems);
            g.writeArrayFieldStart("cost");
            for (Map.Entry<String, BigDecimal> e : cost.entrySet()) {
                g.writeStartObject();
                g.writeStringField("currency", e.getKey());
                g.writeStringField("amount", ReportWriter.exact(e.getValue()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }
}
