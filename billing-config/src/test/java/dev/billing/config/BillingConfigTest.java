package dev.billing.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.Billing;
import dev.billing.core.Budget;
import dev.billing.core.Money;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration file read as a library: values, {@code ${env:...}}, the host's accounts, and no secret shown. */
class BillingConfigTest {
    private static final Path FILE = Path.of("billing.json");
    private static final String SECRET = "s3cr3t-key-value";
    private static final Map<String, String> ENV = Map.of("HB_KEY", SECRET);

    private static final String WHOLE = """
            \uFEFF{"providers": {"hyperbilling-aws": {"endpoint": "http://127.0.0.1:9"}},
             "serviceAccounts": [
               {"name": "web-prod", "provider": "hyperbilling-aws", "project": "project-web",
                "credentials": {"account": "111111111111", "email": "web@example.com", "key": "${env:HB_KEY}"}},
               {"name": "data", "provider": "hyperbilling-aws", "project": "project-data",
                "credentials": {"account": "222222222222", "email": "data@example.com", "key": "literal-key"}}],
             "tagAliases": {"team": ["Team", "owner-team"]},
             "budgets": [{"name": "web", "scope": {"project": "project-web"}, "amount": "5000.10",
                          "currency": "USD", "thresholds": [{"percent": 80}]}],
             "anomalies": {"sensitivity": "4"},
             "store": "billing-data/costs"}
            """;

    @Test
    void parse_readsEveryBlock_withEnvironmentSecrets_andShowsNoSecret() {
        BillingConfig config = BillingConfig.parse(FILE, WHOLE, ENV);

        assertThat(config.providers()).containsExactly(Map.entry("hyperbilling-aws", Map.of("endpoint",
                "http://127.0.0.1:9")));
        assertThat(config.serviceAccounts()).extracting(BillingConfig.Account::name).containsExactly("web-prod", "data");
        BillingConfig.Account web = config.serviceAccounts().get(0);
        assertThat(web.credentials().get("key")).contains(SECRET);
        assertThat(web.literalFields()).containsExactly("account", "email");
        assertThat(web.where()).isEqualTo("serviceAccounts[0] ('web-prod')");
        assertThat(config.tagAliases().asMap()).containsExactly(Map.entry("team", List.of("Team", "owner-team")));
        assertThat(config.budgets()).singleElement().satisfies(b -> {
            assertThat(b.scope()).isEqualTo(Budget.Scope.project("project-web"));
            assertThat(b.amount()).isEqualTo(new Money(new BigDecimal("5000.10"), Money.currency("USD")));
        });
        assertThat(config.anomalies().sensitivity()).isEqualByComparingTo("4");
        assertThat(config.store()).contains("billing-data/costs");
        assertThat(config.toString() + web + config.serviceAccounts()).doesNotContain(SECRET, "literal-key");
    }

    @Test
    void aMissingEnvironmentVariable_namesTheFieldAndTheVariable() {
        assertThatThrownBy(() -> BillingConfig.parse(FILE, WHOLE, Map.of()))
                .isInstanceOf(BillingConfigException.class)
                .hasMessage("billing.json: serviceAccounts[0].credentials.key: environment variable HB_KEY"
                        + " (from \"${env:HB_KEY}\") is not set: export it, or change the value")
                .extracting(e -> ((BillingConfigException) e).field())
                .isEqualTo("serviceAccounts[0].credentials.key");
    }

    @Test
    void invalidJson_namesTheLineAndColumn() {
        assertThatThrownBy(() -> BillingConfig.parse(FILE, "{\n  \"providers\": ,\n}", ENV))
                .isInstanceOf(BillingConfigException.class)
                .hasMessageStartingWith("billing.json: invalid JSON at line 2, column 16: ")
                .hasMessageEndingWith("; fix the JSON syntax there");
    }

    @Test
    void parseSettings_scopesBudgetsToTheHostsAccounts_andRefusesTheFilesAccounts() {
        String settings = """
                {"tagAliases": {"team": ["Team"]},
                 "budgets": [{"name": "ops", "scope": {"serviceAccount": "ops-aws"}, "amount": "10", "currency": "USD"}]}
                """;
        BillingConfig config = BillingConfig.parseSettings(FILE, settings, ENV, Map.of("ops-aws", "project-ops"));
        assertThat(config.serviceAccounts()).isEmpty();
        assertThat(config.budgets()).singleElement().extracting(Budget::scope)
                .isEqualTo(Budget.Scope.serviceAccount("ops-aws"));

        assertThatThrownBy(() -> BillingConfig.parseSettings(FILE, settings, ENV, Map.of("web", "project-web")))
                .isInstanceOf(BillingConfigException.class)
                .hasMessageContaining("budgets[0] ('ops').scope.serviceAccount: no service account is named 'ops-aws';"
                        + " configured service accounts: web");
        assertThatThrownBy(() -> BillingConfig.parseSettings(FILE, WHOLE, ENV, Map.of("web-prod", "project-web")))
                .isInstanceOf(BillingConfigException.class)
                .hasMessageStartingWith("billing.json: serviceAccounts: the application registers its service"
                        + " accounts itself")
                .extracting(e -> ((BillingConfigException) e).field()).isEqualTo("serviceAccounts");
    }

    @Test
    void open_registersEveryAccount_andWarnsOfALiteralSecretWithoutItsValue() {
        List<String> warnings = new ArrayList<>();
        try (Billing billing = BillingConfig.parse(FILE, WHOLE, ENV).open(Billing.builder(), warnings::add)) {
            assertThat(billing.serviceAccounts().list()).extracting(a -> a.name())
                    .containsExactly("web-prod", "data");
            assertThat(billing.tagAliases().asMap()).containsKey("team");
        }
        assertThat(warnings).containsExactly("billing.json: serviceAccounts[1].credentials.key is a secret written"
                + " literally in the file; prefer \"${env:NAME}\"");
        assertThat(String.join("\n", warnings)).doesNotContain("literal-key");
    }

    @Test
    void open_namesAnUnknownProviderAndAMissingSetting() {
        String unknown = WHOLE.replace("\"providers\": {", "\"providers\": {\"no-such\": {},");
        assertThatThrownBy(() -> BillingConfig.parse(FILE, unknown, ENV).open(Billing.builder(), w -> { }))
                .isInstanceOf(BillingConfigException.class)
                .hasMessageContaining("providers")
                .hasMessageContaining("no-such");
        String noEndpoint = WHOLE.replace("{\"endpoint\": \"http://127.0.0.1:9\"}", "{}");
        assertThatThrownBy(() -> BillingConfig.parse(FILE, noEndpoint, ENV).open(Billing.builder(), w -> { }))
                .isInstanceOf(BillingConfigException.class)
                .hasMessageStartingWith("billing.json: providers.hyperbilling-aws.endpoint is missing:"
                        + " serviceAccounts[0] ('web-prod') uses hyperbilling-aws;");
    }
}
