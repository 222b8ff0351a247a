package dev.billing.spring;

import dev.billing.config.BillingConfig;
import dev.billing.core.AnomalyDetector;
import dev.billing.core.Billing;
import dev.billing.core.BillingException;
import dev.billing.core.CostSync;
import dev.billing.core.spi.CostStore;
import dev.billing.dashboard.DashboardHandler;
import dev.billing.dashboard.DashboardRenderer;
import dev.billing.dashboard.LiveReports;
import dev.billing.dashboard.ReportSource;
import dev.billing.jdbc.JdbcCostStore;
import dev.billing.micrometer.BillingMetrics;
import jakarta.servlet.http.HttpServlet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.support.CronExpression;

/**
 * The Billing SDK in a Spring Boot application: a {@link Billing} from {@code billing.*}, the cost store, a
 * {@link CostSync} (scheduled by {@code billing.sync.cron}), the meters, the health component {@code billing}
 * and the dashboard at {@code billing.dashboard.path}. Every bean backs off for one the application defines.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@EnableConfigurationProperties(BillingProperties.class)
public class BillingAutoConfiguration {

    /** Creates the auto-configuration; Spring Boot does. */
    public BillingAutoConfiguration() {
    }

    /**
     * @return the meters, the {@link Billing}'s fetch listener
     */
    @Bean
    @ConditionalOnMissingBean
    public BillingMetrics billingMetrics() {
        return new BillingMetrics();
    }

    /**
     * @param properties {@code billing.*}
     * @param metrics the meters
     * @param configFile the settings of {@code billing.config-file}, if given
     * @return the billing of the properties' providers and service accounts
     * @throws BillingPropertyException when a property is wrong
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Billing billing(BillingProperties properties, BillingMetrics metrics, ObjectProvider<BillingConfig> configFile) {
        Billing billing = BillingFactory.create(properties, metrics, configFile.getIfAvailable());
        metrics.registerAccounts(billing);
        return billing;
    }

    /**
     * @param properties {@code billing.config-file}, and the service accounts its budgets may name
     * @return the file's provider settings, tag aliases, allocation, budgets and anomaly settings
     * @throws BillingPropertyException naming {@code billing.config-file}, the file's field and the fix
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "billing", name = "config-file")
    public BillingConfig billingConfigFile(BillingProperties properties) {
        return BillingFactory.configFile(properties);
    }

    /**
     * @param configFile the file's anomaly settings
     * @return the detector that marks anomalies on the dashboard, with the file's settings
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(BillingConfig.class)
    public AnomalyDetector billingAnomalyDetector(BillingConfig configFile) {
        try {
            return AnomalyDetector.builder().settings(configFile.anomalies()).build();
        } catch (BillingException e) {
            throw new BillingPropertyException("billing.config-file", configFile.file() + ": anomalies: "
                    + e.getMessage(), "fix anomalies in the file as the message says");
        }
    }

    /**
     * @param properties {@code billing.store.*}
     * @param dataSource the application's data source, used when {@code billing.store.use-data-source=true}
     * @return the store: {@code billing.store.url}, the application's data source, or the embedded H2 file
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(CostStore.class)
    @Conditional(StoreAvailable.class)
    JdbcCostStore billingCostStore(BillingProperties properties, ObjectProvider<DataSource> dataSource) {
        BillingProperties.Store store = properties.getStore();
        if (store.isUseDataSource()) {
            if (store.getUrl() != null) {
                throw new BillingPropertyException("billing.store.url", "given together with"
                        + " billing.store.use-data-source=true", "give one of the two");
            }
            DataSource ds = dataSource.getIfAvailable();
            if (ds == null) {
                throw new BillingPropertyException("billing.store.use-data-source", "true, but the application"
                        + " has no single DataSource bean", "define the DataSource, or give billing.store.url");
            }
            return JdbcCostStore.builder().dataSource(ds).build();
        }
        if (store.getUrl() != null) {
            return JdbcCostStore.builder().url(store.getUrl(), store.getUsername(), store.getPassword()).build();
        }
        return JdbcCostStore.embedded(store.getFile());
    }

    /**
     * @param billing the billing
     * @param properties {@code billing.sync.*}
     * @param store the cost store, if any (else an in-memory one)
     * @return the sync
     */
    @Bean
    @ConditionalOnMissingBean
    public CostSync billingCostSync(Billing billing, BillingProperties properties, ObjectProvider<CostStore> store) {
        BillingProperties.Sync sync = properties.getSync();
        if (sync.getMonthsBack() < 0) {
            throw new BillingPropertyException("billing.sync.months-back", "is " + sync.getMonthsBack(),
                    "give 0 or more months");
        }
        CostSync.Builder b = CostSync.builder(billing).monthsBack(sync.getMonthsBack()).staleAfter(sync.getStaleAfter());
        store.ifAvailable(b::store);
        return b.build();
    }

    /**
     * @param billing the billing
     * @param properties {@code billing.sync.*}
     * @return each account's last verification or sync
     */
    @Bean
    @ConditionalOnMissingBean
    public BillingHealth billingHealth(Billing billing, BillingProperties properties) {
        return new BillingHealth(billing, Clock.systemUTC(),
                properties.getSync().getCron() == null ? null : properties.getSync().getStaleAfter());
    }

    /**
     * @param health the cached results
     * @param properties {@code billing.verify-on-startup}
     * @return verifies every account's credentials once the beans are created
     */
    @Bean
    public SmartInitializingSingleton billingStartupVerification(BillingHealth health, BillingProperties properties) {
        return () -> {
            if (properties.isVerifyOnStartup()) {
                health.verifyAll();
            }
        };
    }

    /**
     * @param sync the sync
     * @param metrics the meters
     * @param health the cached results
     * @param properties {@code billing.sync.cron}
     * @return the scheduled sync
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "billing.sync", name = "cron")
    public BillingSyncScheduler billingSyncScheduler(CostSync sync, BillingMetrics metrics, BillingHealth health,
                                                     BillingProperties properties) {
        String cron = properties.getSync().getCron();
        if (!CronExpression.isValidExpression(cron)) {
            throw new BillingPropertyException("billing.sync.cron", "'" + cron + "' is not a cron expression",
                    "give six fields: second minute hour day-of-month month day-of-week, such as 0 0 * * * * (hourly)");
        }
        return new BillingSyncScheduler(sync, metrics, health, cron);
    }

    /** The health component {@code billing}, with Spring Boot's health support. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("billing")
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "billingHealthIndicator")
        HealthIndicator billingHealthIndicator(BillingHealth health) {
            return new BillingHealthIndicator(health);
        }
    }

    /** The dashboard, on a servlet web server, with {@code billing.dashboard.enabled=true}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(HttpServlet.class)
    @ConditionalOnBooleanProperty("billing.dashboard.enabled")
    static class DashboardConfiguration {
        /** With Spring Security: users need BILLING_DOMAIN or BILLING_PROJECT_<project> (processed first). */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = "org.springframework.security.core.context.SecurityContextHolder")
        static class SecurityAccessConfiguration {

            @Bean
            @ConditionalOnMissingBean
            DashboardAccess billingDashboardAccess() {
                return new SecurityDashboardAccess();
            }
        }

        @Bean
        @ConditionalOnMissingBean
        DashboardAccess billingOpenDashboardAccess() {
            return DashboardAccess.OPEN;
        }

        @Bean
        @ConditionalOnMissingBean
        ReportSource billingReportSource(Billing billing, CostSync sync, BillingProperties properties) {
            // live pages answer by their deadline, with accounts still fetching shown as pending (as billing serve)
            return properties.getSync().getCron() != null ? sync::report : LiveReports.builder(billing).build();
        }

        @Bean
        @ConditionalOnMissingBean(name = "billingDashboard")
        ServletRegistrationBean<HttpServlet> billingDashboard(ReportSource source, DashboardAccess access,
                                                              ObjectProvider<DashboardRenderer> renderer,
                                                              ObjectProvider<AnomalyDetector> anomalies,
                                                              Billing billing, BillingProperties properties) {
            String path = properties.getDashboard().getPath();
            if (path == null || !path.matches("(/[A-Za-z0-9._~-]+)+")) {
                throw new BillingPropertyException("billing.dashboard.path", "'" + path + "' is not a path",
                        "give a path that starts with '/' and does not end with one, such as /billing");
            }
            DashboardHandler.Builder handler = DashboardHandler.builder(source)
                    .fromStore(properties.getSync().getCron() != null);
            AnomalyDetector detector = anomalies.getIfAvailable();
            // the pages offer the tag keys of the aliases and of the anomaly settings for their breakdown by tag
            List<String> tagKeys = new ArrayList<>(billing.tagAliases().asMap().keySet());
            if (detector != null) {
                tagKeys.addAll(detector.settings().tagKeys());
                handler.anomalies(detector, source);
            }
            handler.renderer(renderer.getIfAvailable(() -> DashboardRenderer.builder().jsonLink(true)
                    .tagKeys(tagKeys).build()));
            ServletRegistrationBean<HttpServlet> registration = new ServletRegistrationBean<>(
                    new DashboardServlet(handler.build(), access, path), path, path + "/*");
            registration.setName("billingDashboard");
            return registration;
        }
    }

    /** A store can be made: a URL, the application's data source, or H2 on the classpath. */
    static final class StoreAvailable extends AnyNestedCondition {
        StoreAvailable() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty(prefix = "billing.store", name = "url")
        static final class Url {
        }

        @ConditionalOnBooleanProperty("billing.store.use-data-source")
        static final class ApplicationDataSource {
        }

        @ConditionalOnClass(name = "org.h2.Driver")
        static final class H2 {
        }
    }
}
