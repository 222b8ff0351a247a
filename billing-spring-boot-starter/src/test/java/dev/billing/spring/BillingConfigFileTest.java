package dev.billing.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.config.BillingConfig;
import dev.billing.core.AnomalyDetector;
import dev.billing.core.Allocation;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.Budget;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.Dimension;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.SimulatorData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;

/** {@code billing.config-file} and {@code billing.tag-aliases.*}: what is used, who wins, and what fails startup. */
class BillingConfigFileTest {
    private static final String KEY = "key-5f6e7d";
    private static final SimulatorData DATA = SimulatorData.of(Map.of("111111111111", "USD"),
            List.of(new SimulatorData.ApiUser("web@example.com", KEY, Set.of("111111111111"))),
            SimulatorData.generator().seed(5).accounts(1).days(LocalDate.of(2026, 1, 1), 31).build().rows());
    private static final BillingPeriod JANUARY = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 1));
    private static HyperBillingSimulator sim;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSimulator() {
        sim = HyperBillingSimulator.start(DATA);
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BillingAutoConfiguration.class))
                .withPropertyValues("billing.store.file=" + dir.resolve("costs"),
                        "billing.service-accounts[0].name=web-prod",
                        "billing.service-accounts[0].provider=hyperbilling-aws",
                        "billing.service-accounts[0].project=p-web",
                        "billing.service-accounts[0].credentials.account=111111111111",
                        "billing.service-accounts[0].credentials.email=web@example.com",
                        "billing.service-accounts[0].credentials.key=" + KEY);
    }

    private Path file(String json) throws IOException {
        Path file = dir.resolve("billing.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }

    private static Status health(AssertableApplicationContext context) {
        return context.getBean("billingHealthIndicator", HealthIndicator.class).health().getStatus();
    }

    @Test
    void theFilesProviders_tagAliases_budgets_andAnomalies_areUsed() throws IOException {
        Path file = file("""
                {"providers": {"hyperbilling-aws": {"endpoint": "%s"}},
                 "tagAliases": {"team": ["Team", "owner-team"]},
                 "budgets": [{"name": "web", "scope": {"project": "p-web"}, "amount": "100", "currency": "USD"},
                             {"name": "prod", "scope": {"serviceAccount": "web-prod"}, "amount": "50", "currency": "USD"}],
                 "anomalies": {"sensitivity": "5", "tagKeys": ["team"]}}
                """.formatted(sim.endpoint()));
        runner().withPropertyValues("billing.config-file=" + file).run(context -> {
            assertThat(context).hasNotFailed();
            Billing billing = context.getBean(Billing.class);
            assertThat(health(context)).as("the endpoint came from the file").isEqualTo(Status.UP);
            assertThat(billing.tagAliases().asMap()).containsExactly(Map.entry("team", List.of("Team", "owner-team")));
            BillingConfig config = context.getBean(BillingConfig.class);
            assertThat(config.budgets()).extracting(Budget::name).containsExactly("web", "prod");
            assertThat(context.getBean(AnomalyDetector.class).settings().sensitivity()).isEqualByComparingTo("5");
            assertThat(context.getBean(AnomalyDetector.class).settings()).isEqualTo(config.anomalies());
        });
    }

    @Test
    void withoutAFile_thereIsNoFileBean_andNoAnomalyDetector() {
        runner().withPropertyValues("billing.providers.hyperbilling-aws.endpoint=" + sim.endpoint()).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(BillingConfig.class)
                        .doesNotHaveBean(AnomalyDetector.class));
    }

    @Test
    void properties_winOverTheFile_settingBySetting_andCanonicalKeyByCanonicalKey() throws IOException {
        Path file = file("""
                {"providers": {"hyperbilling-aws": {"endpoint": "http://127.0.0.1:9", "maxAttempts": "2"}},
                 "tagAliases": {"team": ["Team"], "env": ["Environment"]}}
                """);
        runner().withPropertyValues("billing.config-file=" + file,
                "billing.providers.hyperbilling-aws.endpoint=" + sim.endpoint(),
                "billing.tag-aliases.team=owner-team,squad").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(health(context)).as("the property's endpoint, not the file's").isEqualTo(Status.UP);
                    assertThat(context.getBean(Billing.class).tagAliases().asMap()).containsOnly(
                            Map.entry("team", List.of("owner-team", "squad")), Map.entry("env", List.of("Environment")));
                });
    }

    @Test
    void tagAliasProperties_alone_bracketsKeepingACapitalisedKey() {
        runner().withPropertyValues("billing.providers.hyperbilling-aws.endpoint=" + sim.endpoint(),
                "billing.tag-aliases.team=Team,owner-team", "billing.tag-aliases[CostCenter][0]=cost-center")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(Billing.class).tagAliases().asMap()).containsOnly(
                            Map.entry("team", List.of("Team", "owner-team")),
                            Map.entry("CostCenter", List.of("cost-center")));
                });
    }

    @Test
    void aBadAlias_failsStartup_namingTheProperty() {
        runner().withPropertyValues("billing.providers.hyperbilling-aws.endpoint=" + sim.endpoint(),
                "billing.tag-aliases.team=Team", "billing.tag-aliases.owner=Team").run(context -> {
                    FailureAnalysis analysis = BillingAutoConfigurationTest.analyze(context);
                    assertThat(analysis.getDescription()).contains("billing.tag-aliases", "Team");
                    assertThat(analysis.getAction()).contains("billing.tag-aliases.team=Team,owner-team");
                });
    }

    @Test
    void aBadFile_failsStartup_namingThePropertyTheFieldAndTheFix() throws IOException {
        runner().withPropertyValues("billing.config-file=" + dir.resolve("missing.json")).run(context ->
                assertThat(BillingAutoConfigurationTest.analyze(context).getDescription())
                        .contains("billing.config-file", "missing.json", "not found"));

        Path accounts = file("""
                {"serviceAccounts": [{"name": "x", "provider": "hyperbilling-aws", "project": "p",
                                      "credentials": {"key": "literal-secret-in-file"}}]}
                """);
        runner().withPropertyValues("billing.config-file=" + accounts).run(context -> {
            FailureAnalysis analysis = BillingAutoConfigurationTest.analyze(context);
            assertThat(analysis.getDescription()).contains("billing.config-file", "serviceAccounts");
            assertThat(analysis.getAction()).contains("billing.service-accounts[n]");
            assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("literal-secret-in-file");
        });

        Path budget = file("""
                {"budgets": [{"name": "ops", "scope": {"project": "p-ops"}, "amount": "1", "currency": "USD"}]}
                """);
        runner().withPropertyValues("billing.config-file=" + budget).run(context ->
                assertThat(BillingAutoConfigurationTest.analyze(context).getDescription()).contains(
                        "billing.config-file", "budgets[0] ('ops').scope.project", "configured projects: p-web"));

        Path store = file("{\"store\": \"billing-data/costs\"}");
        runner().withPropertyValues("billing.config-file=" + store).run(context -> {
            FailureAnalysis analysis = BillingAutoConfigurationTest.analyze(context);
            assertThat(analysis.getDescription()).contains("billing.config-file", "store");
            assertThat(analysis.getAction()).contains("billing.store.url");
        });

        Path unknown = file("{\"providers\": {\"nope\": {\"endpoint\": \"https://example.com\"}}}");
        runner().withPropertyValues("billing.config-file=" + unknown,
                "billing.providers.hyperbilling-aws.endpoint=" + sim.endpoint()).run(context ->
                assertThat(BillingAutoConfigurationTest.analyze(context).getDescription())
                        .contains("billing.config-file", "providers.nope", "unknown provider 'nope'"));

        Path json = file("{\"providers\": ");
        runner().withPropertyValues("billing.config-file=" + json).run(context ->
                assertThat(BillingAutoConfigurationTest.analyze(context).getDescription())
                        .contains("billing.config-file", "invalid JSON at line 1"));
    }

    @Test
    void allocationProperties_routeAndSplitCosts_exactly() {
        Map<String, Object> allocation = new LinkedHashMap<>();
        allocation.put("billing.allocation.rules[0].name", "web to ml");
        allocation.put("billing.allocation.rules[0].when.serviceAccount", "web-prod");
        allocation.put("billing.allocation.rules[0].project", "p-ml");
        allocation.put("billing.allocation.rules[1].name", "by team");
        // a tag key goes in brackets; in application.properties its colon is escaped: when[tag\:team]=web
        allocation.put("billing.allocation.rules[1].when[tag:team]", "web,data");
        allocation.put("billing.allocation.rules[1].project-from-tag", "team");
        allocation.put("billing.allocation.splits[0].name", "ml shared");
        allocation.put("billing.allocation.splits[0].from.project", "p-ml");
        allocation.put("billing.allocation.splits[0].to", "p-a,p-b");
        allocation.put("billing.allocation.splits[0].method", "fixed");
        allocation.put("billing.allocation.splits[0].percents", "50,50");
        runner().withPropertyValues("billing.providers.hyperbilling-aws.endpoint=" + sim.endpoint())
                .withInitializer(c -> c.getEnvironment().getPropertySources().addFirst(
                        new MapPropertySource("allocation", allocation))).run(context -> {
                    assertThat(context).hasNotFailed();
                    Billing billing = context.getBean(Billing.class);
                    assertThat(billing.allocation().rules()).extracting(Allocation.Rule::name)
                            .containsExactly("web to ml", "by team");
                    assertThat(billing.allocation().rules().get(1).when())
                            .containsExactly(Map.entry(Dimension.tag("team"), Set.of("web", "data")));
                    assertThat(billing.allocation().splits()).singleElement()
                            .satisfies(sp -> assertThat(sp.method()).isEqualTo(Allocation.Method.FIXED));
                    CostReport report = billing.costs().report(CostQuery.builder(JANUARY).build());
                    Money total = DATA.total("111111111111", JANUARY);
                    assertThat(report.totals()).containsExactly(total);
                    Money a = report.projects().get(ProjectId.of("p-a")).totals().get(0);
                    Money b = report.projects().get(ProjectId.of("p-b")).totals().get(0);
                    assertThat(a.amount().add(b.amount())).isEqualByComparingTo(total.amount());
                    assertThat(report.projects().get(ProjectId.of("p-web")).totals()).isEmpty();
                    assertThat(report.allocation()).isPresent();
                });
    }

    @Test
    void theFilesAllocation_isApplied_unlessAllocationPropertiesReplaceIt() throws IOException {
        Path file = file("""
                {"allocation": {"rules": [{"name": "web to ml", "when": {"serviceAccount": ["web-prod"]},
                                           "project": "p-ml"}]},
                 "budgets": [{"name": "ml", "scope": {"project": "p-ml"}, "amount": "10", "currency": "USD"}]}
                """);
        Money total = DATA.total("111111111111", JANUARY);
        runner().withPropertyValues("billing.config-file=" + file,
                "billing.providers.hyperbilling-aws.endpoint=" + sim.endpoint()).run(context -> {
                    assertThat(context).hasNotFailed();
                    Billing billing = context.getBean(Billing.class);
                    assertThat(billing.allocation()).isEqualTo(context.getBean(BillingConfig.class).allocation());
                    CostReport report = billing.costs().report(CostQuery.builder(JANUARY).build());
                    assertThat(report.projects().get(ProjectId.of("p-ml")).totals()).containsExactly(total);
                    assertThat(report.projects().get(ProjectId.of("p-web")).totals()).isEmpty();
                });
        runner().withPropertyValues("billing.config-file=" + file,
                "billing.providers.hyperbilling-aws.endpoint=" + sim.endpoint(),
                "billing.allocation.rules[0].name=web to ops", "billing.allocation.rules[0].project=p-ops").run(context -> {
                    assertThat(context).hasNotFailed();
                    CostReport report = context.getBean(Billing.class).costs().report(CostQuery.builder(JANUARY).build());
                    assertThat(report.projects().get(ProjectId.of("p-ops")).totals()).containsExactly(total);
                    assertThat(report.projects()).doesNotContainKey(ProjectId.of("p-ml"));
                });
        Path bad = file("{\"allocation\": {\"rules\": [{\"name\": \"x\", \"when\": {\"colour\": [\"red\"]},"
                + " \"project\": \"p-ml\"}]}}");
        runner().withPropertyValues("billing.config-file=" + bad).run(context ->
                assertThat(BillingAutoConfigurationTest.analyze(context).getDescription())
                        .contains("billing.config-file", "colour"));
    }

    @Test
    void aBadAllocationProperty_failsStartup_namingTheRuleOrSplit() {
        runner().withPropertyValues("billing.providers.hyperbilling-aws.endpoint=" + sim.endpoint(),
                "billing.allocation.rules[0].name=both", "billing.allocation.rules[0].project=p-ml",
                "billing.allocation.rules[0].project-from-tag=team").run(context ->
                assertThat(BillingAutoConfigurationTest.analyze(context).getDescription())
                        .contains("billing.allocation.rules[0]", "both"));
        runner().withPropertyValues("billing.providers.hyperbilling-aws.endpoint=" + sim.endpoint(),
                "billing.allocation.splits[0].name=platform", "billing.allocation.splits[0].from.project=p-web",
                "billing.allocation.splits[0].to=p-a,p-b", "billing.allocation.splits[0].method=fixed",
                "billing.allocation.splits[0].percents=70,20").run(context -> {
                    FailureAnalysis analysis = BillingAutoConfigurationTest.analyze(context);
                    assertThat(analysis.getDescription()).contains("billing.allocation.splits[0]", "platform");
                    assertThat(analysis.getAction()).contains("percents adding up to 100");
                });
        runner().withPropertyValues("billing.providers.hyperbilling-aws.endpoint=" + sim.endpoint(),
                "billing.allocation.rules[0].name=x", "billing.allocation.rules[0].when.colour=red",
                "billing.allocation.rules[0].project=p-ml").run(context ->
                assertThat(BillingAutoConfigurationTest.analyze(context).getDescription())
                        .contains("billing.allocation.rules[0]", "colour"));
    }
}
