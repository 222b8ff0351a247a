package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Allocation by hand-worked examples: validation, the split arithmetic, provenance, completeness, budgets. */
class AllocationTest {
    private static final Currency USD = Currency.getInstance("USD");
    private static final LocalDate DAY = LocalDate.of(2026, 1, 5);
    private static final BillingPeriod JAN = BillingPeriod.month(YearMonth.of(2026, 1));

    private static CostRecord item(String account, String project, String service, String amount,
                                   Map<String, String> tags) {
        return CostRecord.builder().chargeDate(DAY).provider(ProviderId.of(TestProvider.ID))
                .billingAccountId("123456789012").serviceAccount(ServiceAccountId.of(account))
                .project(ProjectId.of(project)).service(service).region("global").tags(tags)
                .billedCost(new Money(new BigDecimal(amount), USD)).build();
    }

    /** web-aws (project-web), data-aws (project-data), ops-aws (project-ops). */
    private static Billing billing(Allocation allocation, TestProvider provider) {
        Billing billing = Billing.builder().discoverProviders(false).addProvider(provider).allocation(allocation)
                .build();
        billing.serviceAccounts().register("web-aws", TestProvider.ID, TestProvider.credentials(), "project-web");
        billing.serviceAccounts().register("data-aws", TestProvider.ID, TestProvider.credentials(), "project-data");
        billing.serviceAccounts().register("ops-aws", TestProvider.ID, TestProvider.credentials(), "project-ops");
        return billing;
    }

    private static TestProvider provider() {
        return new TestProvider()
                .serve("web-aws", List.of(item("web-aws", "project-web", "AmazonEC2", "30", Map.of()),
                        item("web-aws", "project-web", "Support", "1.00", Map.of())))
                .serve("data-aws", List.of(item("data-aws", "project-data", "AmazonEC2", "10", Map.of("team", "project-ml")),
                        item("data-aws", "project-data", "AmazonS3", "-50", Map.of())))
                .serve("ops-aws", List.of(item("ops-aws", "project-ops", "AmazonEC2", "100.00", Map.of()),
                        item("ops-aws", "project-ops", "Support", "0.01", Map.of())));
    }

    private static BigDecimal total(CostReport r, String project) {
        return r.project(project).total(USD).amount();
    }

    @Test
    void evenSplit_givesTheRemainderToTheFirstTarget_andRecordsWhatMoved() {
        Allocation a = Allocation.builder().split("ops", Map.of("project", List.of("project-ops")),
                List.of("project-web", "project-data", "project-ml"), Allocation.Method.EVEN).build();
        try (Billing billing = billing(a, provider())) {
            CostReport r = billing.costs().domainTotal(JAN);

            // S = 100.01: 33.3366666667 (rounded half-even) to data and ml, the rest to web
            assertThat(total(r, "project-ml")).isEqualByComparingTo("33.3366666667");
            assertThat(total(r, "project-data")).isEqualByComparingTo(new BigDecimal("-40").add(new BigDecimal("33.3366666667")));
            assertThat(total(r, "project-web")).isEqualByComparingTo(new BigDecimal("31.00").add(new BigDecimal("33.3366666666")));
            assertThat(r.project("project-ops").totals()).isEmpty();
            assertThat(r.total(USD).amount()).isEqualByComparingTo("91.01");
            assertThat(r.allocation().orElseThrow().moved()).extracting(m -> m.by() + " " + m.from() + " " + m.to()
                    + " " + m.amount().toPlainString()).containsExactly(
                    "ops project-ops project-data 33.3366666667",
                    "ops project-ops project-ml 33.3366666667",
                    "ops project-ops project-web 33.3366666666");
            assertThat(r.isComplete()).isTrue();
        }
    }

    @Test
    void proportionalSplit_weighsTargetsByTheirOwnCostWithoutSplitSources_negativeCountingZero() {
        Allocation a = Allocation.builder()
                .split("support", Map.of("service", List.of("Support")), List.of("project-web", "project-data"),
                        Allocation.Method.PROPORTIONAL)
                .build();
        try (Billing billing = billing(a, provider())) {
            CostReport r = billing.costs().report(CostQuery.builder(JAN).groupBy(Dimension.PROJECT, Dimension.SERVICE)
                    .build());

            // data weighs -40 -> 0, web weighs 30 (its Support line is a source): web takes all of each source
            assertThat(total(r, "project-web")).isEqualByComparingTo("31.01");
            assertThat(total(r, "project-data")).isEqualByComparingTo("-40");
            assertThat(total(r, "project-ops")).isEqualByComparingTo("100.00");
            assertThat(r.rows()).extracting(row -> row.keys().values() + " " + row.amount().amount().stripTrailingZeros()
                    .toPlainString()).contains("[project-web, Support] 1.01");
            assertThat(r.allocation().orElseThrow().moved()).extracting(m -> m.from() + ">" + m.to() + " "
                    + m.amount().stripTrailingZeros().toPlainString()).containsExactly("project-ops>project-web 0.01");
        }
    }

    @Test
    void fixedSplit_andRules_fixedProjectAndFromTag_projectsNamedOnlyByRulesAreReported() {
        Allocation a = Allocation.builder()
                .ruleFromTag("team tag", Map.of(), "team")
                .rule("s3 to storage", Map.of("service", List.of("AmazonS3")), "project-storage")
                .fixedSplit("ops", Map.of("project", List.of("project-ops")), List.of("project-web", "project-ml"),
                        List.of("70", "30"))
                .build();
        try (Billing billing = billing(a, provider())) {
            CostReport r = billing.costs().domainTotal(JAN);

            assertThat(r.projects().keySet()).extracting(ProjectId::value)
                    .containsExactly("project-data", "project-ml", "project-ops", "project-storage", "project-web");
            assertThat(total(r, "project-ml")).isEqualByComparingTo(new BigDecimal("10").add(new BigDecimal("30.003")));
            assertThat(total(r, "project-web")).isEqualByComparingTo(new BigDecimal("31.00").add(new BigDecimal("70.007")));
            assertThat(total(r, "project-storage")).isEqualByComparingTo("-50");
            assertThat(r.project("project-data").totals()).isEmpty();
            assertThat(r.allocation().orElseThrow().moved()).extracting(m -> m.by() + " " + m.from() + ">" + m.to())
                    .containsExactly("ops project-ops>project-ml", "ops project-ops>project-web",
                            "s3 to storage project-data>project-storage", "team tag project-data>project-ml");
            CostReport raw = billing.costs().report(CostQuery.builder(JAN).rawCosts(true).build());
            assertThat(raw.allocation()).isEmpty();
            assertThat(total(raw, "project-ops")).isEqualByComparingTo("100.01");
            assertThat(billing.costs().projectTotal("project-ml", JAN).totals()).containsExactly(
                    new Money(new BigDecimal("40.003"), USD));
        }
    }

    @Test
    void aFailedAccount_marksEveryProjectItsCostsCouldReachIncomplete_andBudgetsSeeIt() {
        Allocation a = Allocation.builder()
                .rule("ops ec2", Map.of("serviceAccount", List.of("ops-aws"), "service", List.of("AmazonEC2")),
                        "project-platform")
                .fixedSplit("platform", Map.of("project", List.of("project-platform")), List.of("project-data"),
                        List.of("100"))
                .build();
        TestProvider provider = provider().fail("ops-aws", TestProvider.Failure.UNAVAILABLE, 0);
        try (Billing billing = billing(a, provider)) {
            CostReport r = billing.costs().domainTotal(JAN);

            assertThat(r.isComplete()).isFalse();
            assertThat(r.isComplete("project-ops")).isFalse();
            assertThat(r.isComplete("project-platform")).isFalse();
            assertThat(r.isComplete("project-data")).isFalse();
            assertThat(r.isComplete("project-web")).isTrue();
            assertThat(r.coverage("project-data")).extracting(AccountCoverage::name).containsExactly("data-aws",
                    "ops-aws");

            BudgetReport budgets = BudgetEvaluator.builder().build().evaluate(List.of(
                    new Budget("data", Budget.Scope.project("project-data"), new Money(BigDecimal.TEN, USD),
                            Budget.Period.MONTHLY, List.of())), YearMonth.of(2026, 1), billing.costs()::report);
            assertThat(budgets.budgets().get(0).spent().amount()).isEqualByComparingTo("-40");
            assertThat(budgets.budgets().get(0).complete()).isFalse();
        }
    }

    @Test
    void invalidAllocations_areRefusedWithOneLineNamingTheRule() {
        assertThatThrownBy(() -> Allocation.builder().rule("bad dim", Map.of("colour", List.of("red")), "p"))
                .isInstanceOf(InvalidAllocationException.class).hasMessageStartingWith("allocation rule 'bad dim': ")
                .hasMessageContaining("unknown dimension 'colour'");
        assertThatThrownBy(() -> Allocation.Rule.of("both", Map.of(), "p", "team"))
                .hasMessage("allocation rule 'both': give exactly one of project and projectFromTag");
        assertThatThrownBy(() -> Allocation.Rule.of("neither", Map.of(), null, null))
                .hasMessage("allocation rule 'neither': give exactly one of project and projectFromTag");
        assertThatThrownBy(() -> Allocation.builder().split("none", Map.of(), List.of(), Allocation.Method.EVEN))
                .hasMessage("allocation split 'none': no target project; list at least one in \"to\"");
        assertThatThrownBy(() -> Allocation.builder().fixedSplit("pct", Map.of(), List.of("a", "b"),
                List.of("70", "30.01")))
                .hasMessage("allocation split 'pct': percents add up to 100.01, not 100");
        assertThatThrownBy(() -> Allocation.builder()
                .split("first", Map.of(), List.of("project-platform"), Allocation.Method.EVEN)
                .split("second", Map.of("project", List.of("project-platform")), List.of("p"), Allocation.Method.EVEN)
                .build())
                .isInstanceOf(InvalidAllocationException.class)
                .hasMessage("allocation split 'first': target 'project-platform' is the source project of split"
                        + " 'second'; a split cannot send costs to a project another split divides")
                .extracting(e -> ((InvalidAllocationException) e).rule()).isEqualTo("first");
        assertThat(Allocation.builder().fixedSplit("ok", Map.of(), List.of("a", "b"), List.of("66.6", "33.40"))
                .build().splits()).hasSize(1);
    }

    @Test
    void fingerprint_dependsOnTheRulesNotOnTheOrderOfConditions() {
        Map<String, List<String>> one = new LinkedHashMap<>();
        one.put("service", List.of("a", "b"));
        one.put("tag:team", List.of(""));
        Map<String, List<String>> other = new LinkedHashMap<>();
        other.put("tag:team", List.of(""));
        other.put("service", List.of("b", "a"));
        String f = Allocation.builder().rule("r", one, "p").build().fingerprint();
        assertThat(f).matches("sha256:[0-9a-f]{64}")
                .isEqualTo(Allocation.builder().rule("r", other, "p").build().fingerprint())
                .isNotEqualTo(Allocation.builder().rule("r", one, "q").build().fingerprint());
        List<Allocation.Rule> rules = new ArrayList<>(Allocation.builder().rule("r", one, "p").build().rules());
        assertThat(Allocation.of(rules, List.of()).fingerprint()).isEqualTo(f);
    }
}
