package dev.billing.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Billing;
import dev.billing.core.CostSync;
import dev.billing.core.SyncSummary;
import dev.billing.core.spi.CostStore;
import dev.billing.jdbc.JdbcCostStore;
import dev.billing.micrometer.BillingMetrics;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.SimulatorData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.mock.web.MockHttpServletRequest;

/** Every condition of {@link BillingAutoConfiguration}, each in a fresh context. */
class BillingAutoConfigurationTest {
    private static final String KEY = "key-9a8b7c";
    private static final String BAD_KEY = "key-rejected-4d5e";
    private static HyperBillingSimulator sim;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSimulator() {
        sim = HyperBillingSimulator.start(SimulatorData.of(Map.of("111111111111", "USD"),
                List.of(new SimulatorData.ApiUser("web@example.com", KEY, Set.of("111111111111"))),
                SimulatorData.generator().seed(3).accounts(1).days(java.time.LocalDate.of(2026, 1, 1), 31).build().rows()));
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BillingAutoConfiguration.class))
                .withPropertyValues("billing.store.file=" + dir.resolve("costs"));
    }

    private String[] account(String key) {
        return new String[] {
            "billing.providers.hyperbilling-aws.endpoint=" + sim.endpoint(),
            "billing.service-accounts[0].name=web-prod",
            "billing.service-accounts[0].provider=hyperbilling-aws",
            "billing.service-accounts[0].project=p-web",
            "billing.service-accounts[0].credentials.account=111111111111",
            "billing.service-accounts[0].credentials.email=web@example.com",
            "billing.service-accounts[0].credentials.key=" + key};
    }

    private static Health health(AssertableApplicationContext context) {
        return context.getBean("billingHealthIndicator", HealthIndicator.class).health();
    }

    @Test
    void noProvidersConfigured_startsWithAnEmptyDomain_healthUp_noSchedule_noDashboard() {
        runner().run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Billing.class).hasSingleBean(CostSync.class)
                    .hasSingleBean(BillingMetrics.class).hasSingleBean(BillingHealth.class)
                    .doesNotHaveBean(BillingSyncScheduler.class).doesNotHaveBean(ServletRegistrationBean.class);
            assertThat(context.getBean(Billing.class).serviceAccounts().list()).isEmpty();
            assertThat(health(context).getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void accountsFromProperties_areRegisteredAndVerifiedAtStartup() {
        runner().withPropertyValues(account(KEY)).run(context -> {
            assertThat(context).hasNotFailed();
            Billing billing = context.getBean(Billing.class);
            assertThat(billing.serviceAccounts().get("web-prod").project().value()).isEqualTo("p-web");
            assertThat(health(context).getStatus()).isEqualTo(Status.UP);
            assertThat(health(context).getDetails().toString()).contains("web-prod", "OK").doesNotContain(KEY);
        });
    }

    @Test
    void aRejectedKey_isDownWithTheReason_andNoSecret() {
        runner().withPropertyValues(account(BAD_KEY)).run(context -> {
            assertThat(context).hasNotFailed();
            long requests = sim.requestCount();
            Health health = health(context);
            assertThat(sim.requestCount()).as("a health request never calls a provider").isEqualTo(requests);
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().toString()).contains("web-prod", "FAILED", "hyperbilling-aws", "p-web")
                    .doesNotContain(BAD_KEY);
        });
    }

    @Test
    void anUnknownProvider_failsStartup_withAnAnalysisNamingThePropertyAndTheFix() {
        runner().withPropertyValues(account(KEY)).withPropertyValues("billing.service-accounts[0].provider=nope")
                .run(context -> {
                    FailureAnalysis analysis = analyze(context);
                    assertThat(analysis.getDescription()).contains("billing.service-accounts[0].provider", "nope");
                    assertThat(analysis.getAction()).contains("billing.service-accounts[0].provider", "hyperbilling-aws");
                    assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(KEY);
                });
    }

    @Test
    void aMissingCredential_namesTheCredentialsProperty_withoutTheOtherValues() {
        runner().withPropertyValues(account(KEY)).withPropertyValues("billing.service-accounts[0].credentials.key=")
                .run(context -> {
                    FailureAnalysis analysis = analyze(context);
                    assertThat(analysis.getDescription()).contains("billing.service-accounts[0].credentials");
                    assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(KEY);
                });
    }

    @Test
    void aBadProviderSetting_namesItsProperty() {
        runner().withPropertyValues(account(KEY)).withPropertyValues("billing.providers.hyperbilling-aws.maxAttempts=0")
                .run(context -> assertThat(analyze(context).getDescription())
                        .contains("billing.providers.hyperbilling-aws.maxAttempts"));
    }

    @Test
    void aMissingName_andABadCron_andABadDashboardPath_areNamed() {
        runner().withPropertyValues(account(KEY)).withPropertyValues("billing.service-accounts[0].name=")
                .run(context -> assertThat(analyze(context).getDescription()).contains("billing.service-accounts[0].name"));
        runner().withPropertyValues("billing.sync.cron=every hour")
                .run(context -> assertThat(analyze(context).getDescription()).contains("billing.sync.cron"));
        new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(BillingAutoConfiguration.class))
                .withPropertyValues("billing.store.file=" + dir.resolve("costs"), "billing.dashboard.enabled=true",
                        "billing.dashboard.path=billing/")
                .run(context -> assertThat(analyze(context).getDescription()).contains("billing.dashboard.path"));
    }

    @Test
    void aRuleBean_replacesTheAuthorities() {
        new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(BillingAutoConfiguration.class))
                .withPropertyValues("billing.store.file=" + dir.resolve("costs"), "billing.dashboard.enabled=true")
                .withUserConfiguration(TeamAccess.class).run(context -> {
                    DashboardAccess access = context.getBean(DashboardAccess.class);
                    MockHttpServletRequest alice = new MockHttpServletRequest();
                    alice.setUserPrincipal(() -> "alice");
                    assertThat(access.decide(alice, "p-web")).isEqualTo(DashboardAccess.Decision.ALLOW);
                    assertThat(access.decide(alice, "p-data")).isEqualTo(DashboardAccess.Decision.FORBIDDEN);
                    assertThat(access.decide(alice, null)).isEqualTo(DashboardAccess.Decision.FORBIDDEN);
                    assertThat(access.decide(new MockHttpServletRequest(), "p-web"))
                            .isEqualTo(DashboardAccess.Decision.UNAUTHENTICATED);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class TeamAccess {
        private final Map<String, Set<String>> projectsByUser = Map.of("alice", Set.of("p-web"));

        // README-BEGIN
        @Bean
        DashboardAccess dashboardAccess() {
            // the application's own rule: each user sees the projects of their teams, nobody the whole domain
            return (request, project) -> {
                if (request.getUserPrincipal() == null) {
                    return DashboardAccess.Decision.UNAUTHENTICATED;
                }
                Set<String> projects = projectsByUser.getOrDefault(request.getUserPrincipal().getName(), Set.of());
                return project != null && projects.contains(project)
                        ? DashboardAccess.Decision.ALLOW : DashboardAccess.Decision.FORBIDDEN;
            };
        }
        // README-END
    }

    @Test
    void theApplicationsOwnBeans_win() {
        runner().withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Billing.class).hasSingleBean(CostStore.class)
                    .hasSingleBean(CostSync.class).hasSingleBean(BillingMetrics.class);
            OwnBeans own = context.getBean(OwnBeans.class);
            assertThat(context.getBean(Billing.class)).isSameAs(own.billing);
            assertThat(context.getBean(CostStore.class)).isSameAs(own.store);
            assertThat(context.getBean(BillingMetrics.class)).isSameAs(own.metrics);
            assertThat(context.getBean(CostSync.class).store()).isSameAs(own.store);
        });
    }

    @Test
    void theStore_isTheEmbeddedH2FileByDefault() {
        runner().run(context -> {
            assertThat(context.getBean(CostStore.class)).isInstanceOf(JdbcCostStore.class);
            assertThat(((JdbcCostStore) context.getBean(CostStore.class)).database()).isEqualTo("H2");
            assertThat(dir.resolve("costs.mv.db")).exists();
            assertThat(context.getBean(CostSync.class).store()).isSameAs(context.getBean(CostStore.class));
        });
    }

    @Test
    void theStore_isTheUrlWhenGiven() {
        Path db = dir.resolve("by-url");
        runner().withPropertyValues("billing.store.url=jdbc:h2:file:" + db + ";WRITE_DELAY=0", "billing.store.username=sa",
                "billing.store.password=store-secret-1").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(Files.exists(dir.resolve("by-url.mv.db"))).isTrue();
                    assertThat(dir.resolve("costs.mv.db")).doesNotExist();
                    assertThat(context.getBean(CostStore.class).toString()).doesNotContain("store-secret-1");
                });
    }

    @Test
    void theStore_isTheApplicationsDataSourceWhenAsked() {
        runner().withUserConfiguration(OwnDataSource.class).withPropertyValues("billing.store.use-data-source=true")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    context.getBean(CostStore.class);
                    try (Connection c = context.getBean(DataSource.class).getConnection();
                         ResultSet tables = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                        boolean found = false;
                        while (tables.next()) {
                            found |= tables.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT).contains("window");
                        }
                        assertThat(found).as("the store's tables are in the application's database").isTrue();
                    }
                });
        runner().withPropertyValues("billing.store.use-data-source=true")
                .run(context -> assertThat(analyze(context).getDescription()).contains("billing.store.use-data-source"));
    }

    @Test
    void withoutH2_andNoUrl_thereIsNoStoreBean_andTheSyncKeepsCostsInMemory() {
        runner().withClassLoader(new FilteredClassLoader("org.h2")).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(CostStore.class).hasSingleBean(CostSync.class);
            assertThat(dir.resolve("costs.mv.db")).doesNotExist();
        });
    }

    @Test
    void theSync_isOffByDefault_andScheduledByCron_andFeedsHealthAndMeters() {
        runner().withPropertyValues(account(KEY)).run(context -> assertThat(context).doesNotHaveBean(BillingSyncScheduler.class));
        runner().withPropertyValues(account(KEY)).withPropertyValues("billing.sync.cron=0 0 3 * * *",
                "billing.sync.months-back=1", "billing.verify-on-startup=false").run(context -> {
                    BillingSyncScheduler scheduler = context.getBean(BillingSyncScheduler.class);
                    assertThat(scheduler.isRunning()).isTrue();
                    assertThat(scheduler.cron()).isEqualTo("0 0 3 * * *");
                    assertThat(health(context).getDetails().toString()).contains("UNVERIFIED");
                    SyncSummary summary = scheduler.syncNow();
                    assertThat(summary.accounts()).singleElement().satisfies(a -> assertThat(a.succeeded()).isTrue());
                    assertThat(health(context).getStatus()).isEqualTo(Status.UP);
                    assertThat(health(context).getDetails().toString()).contains("OK");
                });
    }

    @Test
    void theHealthIndicator_canBeDisabled() {
        runner().withPropertyValues("management.health.billing.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("billingHealthIndicator"));
    }

    @Test
    void theDashboard_isMountedOnlyWhenEnabled_onAServletApplication() {
        WebApplicationContextRunner web = new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BillingAutoConfiguration.class))
                .withPropertyValues("billing.store.file=" + dir.resolve("costs"));
        web.run(context -> assertThat(context).doesNotHaveBean(ServletRegistrationBean.class));
        runner().withPropertyValues("billing.dashboard.enabled=true")
                .run(context -> assertThat(context).doesNotHaveBean(ServletRegistrationBean.class));
        web.withPropertyValues("billing.dashboard.enabled=true", "billing.dashboard.path=/costs").run(context -> {
            ServletRegistrationBean<?> mount = context.getBean(ServletRegistrationBean.class);
            assertThat(mount.getUrlMappings()).containsExactlyInAnyOrder("/costs", "/costs/*");
            assertThat(context.getBean(DashboardAccess.class)).as("Spring Security is on the class path")
                    .isInstanceOf(SecurityDashboardAccess.class);
        });
    }

    @Test
    void withoutSpringSecurity_theDashboardIsOpen_andARuleBeanReplacesTheDefault() {
        WebApplicationContextRunner web = new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BillingAutoConfiguration.class))
                .withPropertyValues("billing.store.file=" + dir.resolve("costs"), "billing.dashboard.enabled=true");
        web.withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .run(context -> assertThat(context.getBean(DashboardAccess.class)).isSameAs(DashboardAccess.OPEN));
        web.withBean(DashboardAccess.class, () -> (request, project) -> DashboardAccess.Decision.FORBIDDEN)
                .run(context -> assertThat(context.getBean(DashboardAccess.class))
                        .isNotInstanceOf(SecurityDashboardAccess.class).isNotSameAs(DashboardAccess.OPEN));
    }

    @Test
    void theFailureAnalyzer_isRegistered() {
        // Boot's own analyzers need constructor arguments: skip those
        assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(FailureAnalyzer.class,
                null, SpringFactoriesLoader.FailureHandler.handleMessage((message, failure) -> { })))
                .anyMatch(a -> a instanceof BillingPropertyFailureAnalyzer);
    }

    static FailureAnalysis analyze(ApplicationContextAssertProvider<?> context) {
        assertThat(context.getStartupFailure()).as("startup fails").isNotNull();
        FailureAnalysis analysis = new BillingPropertyFailureAnalyzer().analyze(context.getStartupFailure());
        assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
        return analysis;
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        final BillingMetrics metrics = new BillingMetrics();
        final Billing billing = Billing.builder().listener(metrics).build();
        final CostStore store = CostSync.builder(billing).build().store();

        @Bean
        Billing myBilling() {
            return billing;
        }

        @Bean
        CostStore myStore() {
            return store;
        }

        @Bean
        BillingMetrics myMetrics() {
            return metrics;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnDataSource {
        @Bean
        DataSource dataSource() {
            return JdbcConnectionPool.create("jdbc:h2:mem:app-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        }
    }
}
