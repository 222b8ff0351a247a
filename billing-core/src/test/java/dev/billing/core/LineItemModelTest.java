package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The line item's tags and three costs, live and from the in-memory store, against a straightforward
 * {@link BigDecimal} reference written here from the rules (metric, tag filters, aliases).
 */
class LineItemModelTest {
    private static final BillingPeriod PERIOD = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 3));
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-31T12:00:00Z"), ZoneOffset.UTC);
    private static final TagAliases ALIASES = TagAliases.of(Map.of("team", List.of("Team", "owner-team")));
    private static final List<Map<String, String>> TAGS = List.of(Map.of(), Map.of("team", "web"),
            Map.of("Team", "db"), Map.of("owner-team", "ops", "env", "prod"), Map.of("Team", "db", "team", "web"),
            Map.of("owner-team", "ops", "Team", "web"), Map.of("env", "dev"));

    /** Serves given records per account, only those in the requested period, declaring what it is told. */
    private static final class TaggedProvider implements BillingProvider {
        private final ProviderId id;
        private final Set<Capability> capabilities;
        private final Map<String, List<CostRecord>> records = new ConcurrentHashMap<>();

        TaggedProvider(String id, Set<Capability> capabilities) {
            this.id = ProviderId.of(id);
            this.capabilities = capabilities;
        }

        @Override
        public ProviderId id() {
            return id;
        }

        @Override
        public String displayName() {
            return id.value();
        }

        @Override
        public CredentialSchema credentialSchema() {
            return CredentialSchema.of(CredentialField.text("account", "account").optional());
        }

        @Override
        public Set<Capability> capabilities() {
            return capabilities;
        }

        @Override
        public void verify(ServiceAccount account) {
        }

        @Override
        public FetchStats fetch(FetchRequest request, CostSink sink) {
            long n = 0;
            for (CostRecord r : records.getOrDefault(request.account().name(), List.of())) {
                if (request.period().contains(r.chargeDate())) {
                    sink.accept(r);
                    n++;
                }
            }
            return FetchStats.builder().records(n).requests(1).pages(1).build();
        }
    }

    private static final Set<Capability> ALL = Set.of(Capability.DAILY, Capability.MONTHLY, Capability.TAGS,
            Capability.EFFECTIVE_COST, Capability.LIST_COST);

    private static List<CostRecord> records(SplittableRandom rnd, String provider, String account, String project,
                                            boolean full) {
        List<CostRecord> out = new ArrayList<>();
        for (int i = rnd.nextInt(1, 300); i > 0; i--) {
            Currency currency = Currency.getInstance(rnd.nextBoolean() ? "USD" : "EUR");
            Map<String, String> tags = TAGS.get(rnd.nextInt(TAGS.size()));
            out.add(CostRecord.builder().chargeDate(PERIOD.start().plusDays(rnd.nextInt((int) PERIOD.days())))
                    .provider(ProviderId.of(provider)).billingAccountId("b").serviceAccount(ServiceAccountId.of(account))
                    .project(ProjectId.of(project)).service("svc-" + rnd.nextInt(3)).region("r")
                    .tags(rnd.nextBoolean() ? tags : new HashMap<>(tags))
                    .billedCost(new Money(amount(rnd), currency))
                    .effectiveCost(full ? new Money(amount(rnd), currency) : null)
                    .listCost(full ? new Money(amount(rnd), currency) : null).build());
        }
        return out;
    }

    private static BigDecimal amount(SplittableRandom rnd) {
        return switch (rnd.nextInt(8)) {
            case 0 -> new BigDecimal(rnd.nextLong()).movePointLeft(rnd.nextInt(0, 16)).multiply(BigDecimal.TEN.pow(6));
            case 1 -> BigDecimal.ZERO;
            default -> BigDecimal.valueOf(rnd.nextLong(-1_000_000, 10_000_000), rnd.nextInt(0, 11));
        };
    }

    /** The rule of the tag aliases, written out: team, then Team, then owner-team; an alias is no key of its own. */
    private static String team(CostRecord r) {
        Map<String, String> t = r.tags();
        return t.containsKey("team") ? t.get("team") : t.containsKey("Team") ? t.get("Team")
                : t.getOrDefault("owner-team", "");
    }

    private static Money cost(Metric m, CostRecord r) {
        return switch (m) {
            case BILLED -> r.billedCost();
            case EFFECTIVE -> r.effectiveCost();
            case LIST -> r.listCost().orElseThrow();
        };
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void everyMetric_byTagAndService_liveAndFromTheStore_equalsTheReferenceExactly(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        TaggedProvider full = new TaggedProvider("full-cloud", ALL);
        TaggedProvider billedOnly = new TaggedProvider("billed-cloud", Set.of(Capability.DAILY, Capability.MONTHLY));
        List<CostRecord> fullRecords = new ArrayList<>();
        try (Billing billing = Billing.builder().discoverProviders(false).addProvider(full).addProvider(billedOnly)
                .tagAliases(ALIASES).clock(CLOCK).build()) {
            for (int a = 0; a < 3; a++) {
                String project = "project-" + rnd.nextInt(2);
                List<CostRecord> rs = records(rnd, "full-cloud", "full-" + a, project, true);
                full.records.put("full-" + a, rs);
                fullRecords.addAll(rs);
                billing.serviceAccounts().register("full-" + a, "full-cloud", Credentials.of(Map.of()), project);
            }
            billedOnly.records.put("plain", records(rnd, "billed-cloud", "plain", "project-0", false));
            billing.serviceAccounts().register("plain", "billed-cloud", Credentials.of(Map.of()), "project-0");
            CostSync sync = CostSync.builder(billing).monthsBack(2).clock(CLOCK).build();
            assertThat(sync.sync().accounts()).allSatisfy(a -> assertThat(a.status().code())
                    .isEqualTo(CoverageStatus.OK));

            for (Metric metric : Metric.values()) {
                String wanted = List.of("web", "db", "ops", "").get(rnd.nextInt(4));
                CostQuery query = CostQuery.builder(PERIOD).metric(metric)
                        .groupBy(Dimension.tag("team"), Dimension.SERVICE)
                        .filter(Dimension.tag("team"), wanted, "web").build();
                List<CostRecord> plain = billedOnly.records.get("plain");
                List<CostRecord> counted = new ArrayList<>(fullRecords);
                if (metric == Metric.BILLED) {
                    counted.addAll(plain);
                }
                Map<String, BigDecimal> expected = new TreeMap<>();
                for (CostRecord r : counted) {
                    if (team(r).equals(wanted) || team(r).equals("web")) {
                        Money m = cost(metric, r);
                        expected.merge(team(r) + "|" + r.service() + "|" + m.currency(), m.amount(), BigDecimal::add);
                    }
                }
                List<CostReport> reports = List.of(billing.costs().report(query), sync.report(query));
                for (CostReport report : reports) {
                    Map<String, BigDecimal> actual = new TreeMap<>();
                    for (CostRow row : report.rows()) {
                        actual.merge(row.keys().get(Dimension.tag("team")) + "|" + row.keys().get(Dimension.SERVICE)
                                + "|" + row.amount().currency(), row.amount().amount(), BigDecimal::add);
                    }
                    assertThat(actual.keySet()).as("%s %s", metric, report.coverage()).isEqualTo(expected.keySet());
                    expected.forEach((k, v) -> assertThat(actual.get(k)).as("%s %s %s", metric,
                            report == reports.get(0) ? "live" : "store", k).isEqualByComparingTo(v));
                    AccountCoverage plainCoverage = report.coverage().stream()
                            .filter(c -> c.serviceAccount().value().equals("plain")).findFirst().orElseThrow();
                    if (metric == Metric.BILLED) {
                        assertThat(plainCoverage.code()).isNotEqualTo(CoverageStatus.FAILED);
                    } else {
                        assertThat(plainCoverage.code()).isEqualTo(CoverageStatus.FAILED);
                        assertThat(((AccountStatus.Failed) plainCoverage.status()).error().getMessage())
                                .isEqualTo("service account 'plain': provider 'billed-cloud' gives no "
                                        + metric.key() + " cost (it does not declare " + metric.capability().orElseThrow()
                                        + "); left out of a " + metric.key() + " report");
                        assertThat(report.isComplete()).isFalse();
                    }
                }
            }
        }
    }

    @Test
    void aProviderDeclaringListCost_thatPassesALineItemWithout_failsItsAccount() {
        TaggedProvider liar = new TaggedProvider("liar-cloud", ALL);
        try (Billing billing = Billing.builder().discoverProviders(false).addProvider(liar).clock(CLOCK).build()) {
            liar.records.put("a", List.of(CostRecord.builder().chargeDate(LocalDate.of(2026, 1, 5))
                    .provider(ProviderId.of("liar-cloud")).billingAccountId("b").serviceAccount(ServiceAccountId.of("a"))
                    .project(ProjectId.of("p")).service("s").region("r").billedCost(Money.of("1", "USD"))
                    .effectiveCost(Money.of("1", "USD")).build()));
            billing.serviceAccounts().register("a", "liar-cloud", Credentials.of(Map.of()), "p");

            CostReport report = billing.costs().report(CostQuery.of(PERIOD));

            AccountStatus status = report.coverage().get(0).status();
            assertThat(status).isInstanceOf(AccountStatus.Failed.class);
            assertThat(((AccountStatus.Failed) status).error()).isInstanceOf(ProviderProtocolException.class)
                    .hasMessageContaining("provider 'liar-cloud' declares LIST_COST but passed a line item of"
                            + " 2026-01-05 without it");
            assertThat(report.totals()).isEmpty();
        }
    }

    @Test
    void tagAliases_canonicalKeyWins_thenTheFirstAliasListed_andAnAliasIsNoKeyOfItsOwn() {
        TagAliases aliases = TagAliases.of(Map.of("team", List.of("Team", "owner-team")));

        assertThat(aliases.valueOf(Map.of("Team", "db", "team", "web"), "team")).isEqualTo("web");
        assertThat(aliases.valueOf(Map.of("owner-team", "ops", "Team", "db"), "team")).isEqualTo("db");
        assertThat(aliases.valueOf(Map.of("owner-team", "ops"), "team")).isEqualTo("ops");
        assertThat(aliases.valueOf(Map.of("Team", "db"), "Team")).isEmpty();
        assertThat(aliases.valueOf(Map.of("env", "prod"), "team")).isEmpty();
        assertThat(aliases.valueOf(Map.of("env", "prod"), "env")).isEqualTo("prod");
        assertThat(TagAliases.NONE.valueOf(Map.of("Team", "db"), "team")).isEmpty();
        assertThat(TagAliases.NONE.valueOf(Map.of("Team", "db"), "Team")).isEqualTo("db");
        assertThatThrownBy(() -> TagAliases.of(Map.of("team", List.of("x"), "owner", List.of("x"))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("tag key 'x' is an alias of both");
        assertThatThrownBy(() -> TagAliases.of(Map.of("team", List.of(""))))
                .hasMessage("tag aliases: a tag key is empty");
    }

    @Test
    void dimension_parsesTagKeysCaseSensitively_andFixedKeysInAnyCase() {
        assertThat(Dimension.parse("tag:Team")).isEqualTo(Dimension.tag("Team")).isNotEqualTo(Dimension.tag("team"));
        assertThat(Dimension.parse("TAG:team").key()).isEqualTo("tag:team");
        assertThat(Dimension.parse("SERVICE")).isSameAs(Dimension.SERVICE);
        assertThatThrownBy(() -> Dimension.parse("tag:")).isInstanceOf(InvalidRequestException.class)
                .hasMessage("a tag dimension needs a key: tag:KEY, for example tag:team");
        assertThat(Metric.parse("Effective")).isEqualTo(Metric.EFFECTIVE);
        assertThatThrownBy(() -> Metric.parse("amortized"))
                .hasMessage("unknown metric 'amortized'; use one of billed, effective, list");
    }

    @Test
    void budget_scopedByATagValue_spendsWhatItsLineItemsCost() {
        TaggedProvider full = new TaggedProvider("full-cloud", ALL);
        try (Billing billing = Billing.builder().discoverProviders(false).addProvider(full).tagAliases(ALIASES)
                .clock(CLOCK).build()) {
            List<CostRecord> rs = records(new SplittableRandom(7), "full-cloud", "a", "p", true);
            full.records.put("a", rs);
            billing.serviceAccounts().register("a", "full-cloud", Credentials.of(Map.of()), "p");
            YearMonth month = YearMonth.of(2026, 2);
            Budget web = new Budget("web", Budget.Scope.tag("team", "web"), Money.of("1000000", "EUR"),
                    Budget.Period.MONTHLY, List.of(Budget.Threshold.actual(80)));
            Budget untagged = new Budget("untagged", Budget.Scope.tag("team", ""), Money.of("1000000", "EUR"),
                    Budget.Period.MONTHLY, List.of());

            BudgetReport report = BudgetEvaluator.builder().metric(Metric.EFFECTIVE)
                    .rates((from, to, date) -> new ExchangeRate(from, to, date, BigDecimal.ONE, "test")).build()
                    .evaluate(List.of(web, untagged), month, billing.costs()::report);

            for (String team : List.of("web", "")) {
                BigDecimal expected = rs.stream().filter(r -> YearMonth.from(r.chargeDate()).equals(month)
                        && team(r).equals(team)).map(r -> r.effectiveCost().amount())
                        .reduce(BigDecimal.ZERO, BigDecimal::add);
                BudgetStatus status = report.budgets().stream()
                        .filter(s -> s.budget().name().equals(team.isEmpty() ? "untagged" : "web")).findFirst()
                        .orElseThrow();
                assertThat(status.spent().amount()).as(team).isEqualByComparingTo(expected);
            }
        }
    }
}
