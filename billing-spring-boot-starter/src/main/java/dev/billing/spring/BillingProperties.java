package dev.billing.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code billing.*} properties: providers' settings, service accounts, the cost store, the scheduled
 * sync and the dashboard. Settings and credentials are exactly the provider's ({@code billing providers}
 * lists them), under their own names.
 */
@ConfigurationProperties("billing")
public class BillingProperties {

    /**
     * Each installed provider's settings, by provider id, such as
     * {@code billing.providers.hyperbilling-aws.endpoint}.
     */
    private Map<String, Map<String, String>> providers = new LinkedHashMap<>();

    /** The service accounts to register, in order. */
    private List<ServiceAccount> serviceAccounts = new ArrayList<>();

    /**
     * A {@code billing.json} (the CLI's configuration file) whose {@code providers}, {@code tagAliases},
     * {@code allocation}, {@code budgets} and {@code anomalies} are used; its provider settings and tag aliases are combined with
     * {@code billing.providers.*} and {@code billing.tag-aliases.*}, the properties winning. It may not hold
     * {@code serviceAccounts} or {@code store}: give those as properties.
     */
    private Path configFile;

    /**
     * Tag keys read under a canonical key, such as {@code billing.tag-aliases.team=Team,owner-team}: a line
     * item's tag {@code Team} or {@code owner-team} is read as {@code team} (the canonical key's own value wins,
     * then the first alias listed). Use brackets for a canonical key with capitals or other characters:
     * {@code billing.tag-aliases[CostCenter]=cost-center}.
     */
    private Map<String, List<String>> tagAliases = new LinkedHashMap<>();

    /** Whether each service account's credentials are verified once at startup (for the health indicator). */
    private boolean verifyOnStartup = true;

    private final Allocation allocation = new Allocation();

    private final Store store = new Store();

    private final Sync sync = new Sync();

    private final Dashboard dashboard = new Dashboard();

    /** Defaults everywhere: no providers' settings, no service accounts. */
    public BillingProperties() {
    }

    /** @return each provider's settings by provider id */
    public Map<String, Map<String, String>> getProviders() {
        return providers;
    }

    /** @param providers each provider's settings by provider id */
    public void setProviders(Map<String, Map<String, String>> providers) {
        this.providers = providers;
    }

    /** @return the service accounts */
    public List<ServiceAccount> getServiceAccounts() {
        return serviceAccounts;
    }

    /** @param serviceAccounts the service accounts */
    public void setServiceAccounts(List<ServiceAccount> serviceAccounts) {
        this.serviceAccounts = serviceAccounts;
    }

    /** @return the configuration file, or null */
    public Path getConfigFile() {
        return configFile;
    }

    /** @param configFile the configuration file */
    public void setConfigFile(Path configFile) {
        this.configFile = configFile;
    }

    /** @return the tag keys read under each canonical key */
    public Map<String, List<String>> getTagAliases() {
        return tagAliases;
    }

    /** @param tagAliases the tag keys read under each canonical key */
    public void setTagAliases(Map<String, List<String>> tagAliases) {
        this.tagAliases = tagAliases;
    }

    /** @return whether credentials are verified at startup */
    public boolean isVerifyOnStartup() {
        return verifyOnStartup;
    }

    /** @param verifyOnStartup whether credentials are verified at startup */
    public void setVerifyOnStartup(boolean verifyOnStartup) {
        this.verifyOnStartup = verifyOnStartup;
    }

    /** @return the cost allocation */
    public Allocation getAllocation() {
        return allocation;
    }

    /** @return the cost store */
    public Store getStore() {
        return store;
    }

    /** @return the scheduled sync */
    public Sync getSync() {
        return sync;
    }

    /** @return the dashboard */
    public Dashboard getDashboard() {
        return dashboard;
    }

    /** One service account: {@code billing.service-accounts[n].*}. */
    public static class ServiceAccount {
        /** An account with nothing set. */
        public ServiceAccount() {
        }

        /** The account's name, unique in the domain (1 to 128 letters, digits, '.', '_', ':' or '-'). */
        private String name;

        /** The id of the provider that serves the account, such as {@code hyperbilling-aws}. */
        private String provider;

        /** The project the account's costs belong to. */
        private String project;

        /**
         * The provider's credential fields under their own names, such as
         * {@code billing.service-accounts[0].credentials.key=${HB_KEY_WEB}}.
         */
        private Map<String, String> credentials = new LinkedHashMap<>();

        /** @return the name */
        public String getName() {
            return name;
        }

        /** @param name the name */
        public void setName(String name) {
            this.name = name;
        }

        /** @return the provider id */
        public String getProvider() {
            return provider;
        }

        /** @param provider the provider id */
        public void setProvider(String provider) {
            this.provider = provider;
        }

        /** @return the project */
        public String getProject() {
            return project;
        }

        /** @param project the project */
        public void setProject(String project) {
            this.project = project;
        }

        /** @return the credential fields */
        public Map<String, String> getCredentials() {
            return credentials;
        }

        /** @param credentials the credential fields */
        public void setCredentials(Map<String, String> credentials) {
            this.credentials = credentials;
        }

        @Override
        public String toString() {
            return "ServiceAccount[" + name + ", " + provider + ", " + project + ", credentials " + credentials.keySet() + "]";
        }
    }

    /**
     * The cost allocation: {@code billing.allocation.rules[n].*} and {@code billing.allocation.splits[n].*}, the
     * {@code "allocation"} block of the configuration file as properties (docs/allocation.md). Given, they replace
     * the file's block as a whole.
     */
    public static class Allocation {
        /** No rule and no split. */
        public Allocation() {
        }

        /** The rules, in order: the first whose conditions a line item meets routes it to a project. */
        private List<Rule> rules = new ArrayList<>();

        /** The splits, in order: each divides the costs of its source among its target projects. */
        private List<Split> splits = new ArrayList<>();

        /** @return the rules */
        public List<Rule> getRules() {
            return rules;
        }

        /** @param rules the rules */
        public void setRules(List<Rule> rules) {
            this.rules = rules;
        }

        /** @return the splits */
        public List<Split> getSplits() {
            return splits;
        }

        /** @param splits the splits */
        public void setSplits(List<Split> splits) {
            this.splits = splits;
        }

        /** @return whether no rule and no split is given */
        public boolean isEmpty() {
            return rules.isEmpty() && splits.isEmpty();
        }
    }

    /** One rule: {@code billing.allocation.rules[n].*}. */
    public static class Rule {
        /** A rule with nothing set. */
        public Rule() {
        }

        /** The rule's name, unique among rules and splits. */
        private String name;

        /**
         * The conditions: a dimension to the values accepted, such as {@code when.subAccount=222222222222} or
         * {@code when[tag:team]=web,data} (brackets for a tag key); every one must match; none matches everything.
         */
        private Map<String, List<String>> when = new LinkedHashMap<>();

        /** The project the matching line items go to (or {@code project-from-tag}). */
        private String project;

        /** The tag key whose value names the project the matching line items go to (or {@code project}). */
        private String projectFromTag;

        /** @return the name */
        public String getName() {
            return name;
        }

        /** @param name the name */
        public void setName(String name) {
            this.name = name;
        }

        /** @return the conditions */
        public Map<String, List<String>> getWhen() {
            return when;
        }

        /** @param when the conditions */
        public void setWhen(Map<String, List<String>> when) {
            this.when = when;
        }

        /** @return the project */
        public String getProject() {
            return project;
        }

        /** @param project the project */
        public void setProject(String project) {
            this.project = project;
        }

        /** @return the tag key naming the project */
        public String getProjectFromTag() {
            return projectFromTag;
        }

        /** @param projectFromTag the tag key naming the project */
        public void setProjectFromTag(String projectFromTag) {
            this.projectFromTag = projectFromTag;
        }
    }

    /** One split: {@code billing.allocation.splits[n].*}. */
    public static class Split {
        /** A split with nothing set. */
        public Split() {
        }

        /** The split's name, unique among rules and splits. */
        private String name;

        /** The source: a dimension to the values accepted, read after the rules, such as {@code from.project=p-ops}. */
        private Map<String, List<String>> from = new LinkedHashMap<>();

        /** The target projects, in order, such as {@code to=project-web,project-data}. */
        private List<String> to = new ArrayList<>();

        /** {@code even}, {@code fixed} or {@code proportional}. */
        private String method;

        /** For {@code fixed}: one percent per target, adding up to exactly 100, such as {@code percents=70,30}. */
        private List<String> percents = new ArrayList<>();

        /** @return the name */
        public String getName() {
            return name;
        }

        /** @param name the name */
        public void setName(String name) {
            this.name = name;
        }

        /** @return the source conditions */
        public Map<String, List<String>> getFrom() {
            return from;
        }

        /** @param from the source conditions */
        public void setFrom(Map<String, List<String>> from) {
            this.from = from;
        }

        /** @return the target projects */
        public List<String> getTo() {
            return to;
        }

        /** @param to the target projects */
        public void setTo(List<String> to) {
            this.to = to;
        }

        /** @return the method */
        public String getMethod() {
            return method;
        }

        /** @param method the method */
        public void setMethod(String method) {
            this.method = method;
        }

        /** @return the percents */
        public List<String> getPercents() {
            return percents;
        }

        /** @param percents the percents */
        public void setPercents(List<String> percents) {
            this.percents = percents;
        }
    }

    /** The cost store: {@code billing.store.*}. */
    public static class Store {
        /** The defaults: the embedded H2 file. */
        public Store() {
        }

        /**
         * The JDBC URL of a PostgreSQL (or H2) database to keep costs in, shared by every instance of the
         * application. Default: the embedded H2 file {@code billing.store.file}, when H2 is on the classpath.
         */
        private String url;

        /** The user for {@code billing.store.url}. */
        private String username;

        /** The password for {@code billing.store.url}. */
        private String password;

        /** The embedded H2 database file used when no URL is given (H2 adds {@code .mv.db}). */
        private Path file = Path.of("billing-data", "costs");

        /** Whether costs are kept in the application's own {@code DataSource} bean instead. */
        private boolean useDataSource;

        /** @return the JDBC URL */
        public String getUrl() {
            return url;
        }

        /** @param url the JDBC URL */
        public void setUrl(String url) {
            this.url = url;
        }

        /** @return the user */
        public String getUsername() {
            return username;
        }

        /** @param username the user */
        public void setUsername(String username) {
            this.username = username;
        }

        /** @return the password */
        public String getPassword() {
            return password;
        }

        /** @param password the password */
        public void setPassword(String password) {
            this.password = password;
        }

        /** @return the embedded file */
        public Path getFile() {
            return file;
        }

        /** @param file the embedded file */
        public void setFile(Path file) {
            this.file = file;
        }

        /** @return whether the application's DataSource is used */
        public boolean isUseDataSource() {
            return useDataSource;
        }

        /** @param useDataSource whether the application's DataSource is used */
        public void setUseDataSource(boolean useDataSource) {
            this.useDataSource = useDataSource;
        }

        @Override
        public String toString() {
            return "Store[" + (url == null ? "file " + file : url.replaceAll("[?;].*$", "")) + "]";
        }
    }

    /** The scheduled sync: {@code billing.sync.*}. */
    public static class Sync {
        /** The defaults: no schedule, 12 months back, stale after a day. */
        public Sync() {
        }

        /**
         * When to sync every service account into the cost store, as a Spring cron expression such as
         * {@code 0 0 * * * *} (hourly). Absent: no scheduled sync.
         */
        private String cron;

        /** How many months before the current one the first sync of an account reads. */
        private int monthsBack = 12;

        /** How old an account's last successful sync may be before the account is stale. */
        private Duration staleAfter = Duration.ofDays(1);

        /** @return the cron expression, or null */
        public String getCron() {
            return cron;
        }

        /** @param cron the cron expression */
        public void setCron(String cron) {
            this.cron = cron;
        }

        /** @return the months back */
        public int getMonthsBack() {
            return monthsBack;
        }

        /** @param monthsBack the months back */
        public void setMonthsBack(int monthsBack) {
            this.monthsBack = monthsBack;
        }

        /** @return the age after which an account is stale */
        public Duration getStaleAfter() {
            return staleAfter;
        }

        /** @param staleAfter the age after which an account is stale */
        public void setStaleAfter(Duration staleAfter) {
            this.staleAfter = staleAfter;
        }
    }

    /** The dashboard: {@code billing.dashboard.*}. */
    public static class Dashboard {
        /** The defaults: not mounted, at /billing. */
        public Dashboard() {
        }

        /** Whether the dashboard is mounted on the application's web server. */
        private boolean enabled;

        /** Where the dashboard is mounted: the domain page is {@code {path}}, a project's {@code {path}/projects/{project}}. */
        private String path = "/billing";

        /** @return whether the dashboard is mounted */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether the dashboard is mounted */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return the path */
        public String getPath() {
            return path;
        }

        /** @param path the path */
        public void setPath(String path) {
            this.path = path;
        }
    }
}
