package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServiceAccountRegistryTest {
    private static final String KEY = "K3yNeverShownAnywhere";

    private final TestProvider provider = new TestProvider();
    private final Billing billing = Billing.builder().addProvider(provider).build();
    private final ServiceAccountRegistry registry = billing.serviceAccounts();

    @AfterEach
    void close() {
        billing.close();
    }

    @Test
    void register_validAccount_isKeptWithItsProviderProjectAndLabels() {
        ServiceAccount a = registry.register("prod-aws", "test-cloud", TestProvider.credentials(KEY), "web",
                Map.of("team", "ops"));

        assertThat(a.id()).isEqualTo(ServiceAccountId.of("prod-aws"));
        assertThat(a.name()).isEqualTo("prod-aws");
        assertThat(a.provider()).isEqualTo(ProviderId.of("test-cloud"));
        assertThat(a.project()).isEqualTo(ProjectId.of("web"));
        assertThat(a.labels()).containsEntry("team", "ops");
        assertThat(registry.get("prod-aws")).isEqualTo(a);
        assertThat(registry.find("prod-aws")).contains(a);
    }

    @Test
    void typedIds_registerFindAndRemove_asTheirTextForms() {
        ServiceAccountId name = ServiceAccountId.of("prod-aws");
        ServiceAccount a = registry.register(name, ProviderId.of("test-cloud"), TestProvider.credentials(KEY),
                ProjectId.of("web"));

        assertThat(registry.get(name)).isEqualTo(a).isEqualTo(registry.get("prod-aws"));
        assertThat(registry.listByProject(ProjectId.of("web"))).containsExactly(a);
        assertThat(billing.providers().get(ProviderId.of("test-cloud"))).isSameAs(provider);
        assertThat(billing.providers().find(ProviderId.of("nope"))).isEmpty();
        assertThatThrownBy(() -> registry.register(ServiceAccountId.of("other"), ProviderId.of("test-cloud"),
                TestProvider.credentials(KEY), null)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("has no project");
        assertThatThrownBy(() -> registry.register(ServiceAccountId.of("other"), ProviderId.of("nope"),
                TestProvider.credentials(KEY), ProjectId.of("web"))).isInstanceOf(ProviderNotEnabledException.class);
        assertThat(registry.remove(name)).isTrue();
        assertThat(registry.find(name)).isEmpty();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void register_withoutProject_isRejectedSayingTheProjectIsMandatory(String project) {
        InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
                () -> registry.register("prod-aws", "test-cloud", TestProvider.credentials(KEY), project));

        assertThat(e).hasMessage("service account 'prod-aws' has no project: every billing service account belongs"
                + " to a project; pass the project its costs belong to");
        assertThat(e.serviceAccount()).contains("prod-aws");
        assertThat(registry.list()).isEmpty();
    }

    @Test
    void register_malformedProject_saysWhatAProjectMayHold() {
        assertThatThrownBy(() -> registry.register("prod-aws", "test-cloud", TestProvider.credentials(KEY), "my project"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("project 'my project' is not valid: use 1 to 128 letters");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " "})
    void register_blankName_isRejectedAskingForAName(String name) {
        assertThatThrownBy(() -> registry.register(name, "test-cloud", TestProvider.credentials(KEY), "web"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("service account name is missing: give a non-blank service account name");
    }

    @Test
    void register_malformedName_saysWhatANameMayHold() {
        assertThatThrownBy(() -> registry.register("prod aws", "test-cloud", TestProvider.credentials(KEY), "web"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("service account name 'prod aws' is not valid: use 1 to 128 letters, digits, '.', '_',"
                        + " ':' or '-', starting with a letter or digit");
    }

    @Test
    void register_duplicateName_isRejectedAndKeepsTheFirst() {
        ServiceAccount first = registry.register("prod-aws", "test-cloud", TestProvider.credentials(KEY), "web");

        DuplicateServiceAccountException e = catchThrowableOfType(DuplicateServiceAccountException.class,
                () -> registry.register("prod-aws", "test-cloud", TestProvider.credentials(KEY), "other"));

        assertThat(e).hasMessage("a service account named 'prod-aws' is already registered; choose another name"
                + " or remove it first");
        assertThat(e).isInstanceOf(InvalidRequestException.class);
        assertThat(registry.list()).containsExactly(first);
    }

    @Test
    void register_providerNotEnabled_namesTheEnabledOnesAndTheArtifactThatAddsIt() {
        ProviderNotEnabledException e = catchThrowableOfType(ProviderNotEnabledException.class,
                () -> registry.register("prod-aws", "hyperbilling-aws", TestProvider.credentials(KEY), "web"));

        assertThat(e).hasMessage("provider 'hyperbilling-aws' is not enabled (enabled: discovered-cloud, test-cloud);"
                + " add the Maven artifact dev.billing:billing-hyperbilling to the classpath to enable it");
        assertThat(e.enabled()).containsExactly("discovered-cloud", "test-cloud");
        assertThat(registry.list()).isEmpty();
    }

    @Test
    void register_unknownProvider_listsTheKnownProvidersAndTheirArtifacts() {
        assertThatThrownBy(() -> registry.register("prod", "azure", TestProvider.credentials(KEY), "web"))
                .isInstanceOf(ProviderNotEnabledException.class)
                .hasMessage("provider 'azure' is not enabled (enabled: discovered-cloud, test-cloud); known providers"
                        + " and their artifacts: aws-cost-explorer (dev.billing:billing-aws),"
                        + " azure-cost-management (dev.billing:billing-azure), focus-files (dev.billing:billing-focus),"
                        + " gcp-billing-export (dev.billing:billing-gcp), hyperbilling-aws (dev.billing:billing-hyperbilling),"
                        + " hyperbilling-mzc (dev.billing:billing-hyperbilling)");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " "})
    void register_missingProvider_listsTheEnabledOnes(String providerId) {
        assertThatThrownBy(() -> registry.register("prod", providerId, TestProvider.credentials(KEY), "web"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("service account 'prod' has no provider; use one of [discovered-cloud, test-cloud]");
    }

    @Test
    void register_credentialsFailingTheSchema_namesTheFieldAndNeverTheSecret() {
        String badKey = "tooShort_" + KEY.substring(0, 4);
        Credentials c = Credentials.of(Map.of("account", "123456789012", "email", "a@b.c", "key", badKey));

        InvalidCredentialsException e = catchThrowableOfType(InvalidCredentialsException.class,
                () -> registry.register("prod", "test-cloud", c, "web"));

        assertThat(e).hasMessage("service account 'prod': credential 'key' (API key) must be at least 16 letters"
                + " or digits");
        assertThat(e.field()).isEqualTo("key");
        assertThat(e.getMessage()).doesNotContain(badKey);
        assertThat(registry.list()).isEmpty();
    }

    @Test
    void register_missingCredentials_isATypedErrorSayingWhatToPass() {
        assertThatThrownBy(() -> registry.register("prod", "test-cloud", null, "web"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("service account 'prod' has no credentials; test-cloud needs account, email, key, region");
    }

    @Test
    void get_unknownName_isATypedError() {
        NoSuchServiceAccountException e = catchThrowableOfType(NoSuchServiceAccountException.class,
                () -> registry.get("nope"));

        assertThat(e).hasMessage("no service account named 'nope' is registered");
        assertThat(e.serviceAccount()).contains("nope");
        assertThat(registry.find("nope")).isEmpty();
    }

    @Test
    void listListByProjectAndRemove_keepRegistrationOrder() {
        ServiceAccount a = registry.register("a", "test-cloud", TestProvider.credentials(KEY), "web");
        ServiceAccount b = registry.register("b", "test-cloud", TestProvider.credentials(KEY), "data");
        ServiceAccount c = registry.register("c", "discovered-cloud", TestProvider.credentials(KEY), "web");

        assertThat(registry.list()).containsExactly(a, b, c);
        assertThat(registry.listByProject("web")).containsExactly(a, c);
        assertThat(registry.listByProject("data")).containsExactly(b);
        assertThat(registry.listByProject("none")).isEmpty();
        assertThat(registry.remove("a")).isTrue();
        assertThat(registry.remove("a")).isFalse();
        assertThat(registry.list()).containsExactly(b, c);
        ServiceAccount again = registry.register("a", "test-cloud", TestProvider.credentials(KEY), "other");
        assertThat(registry.list()).containsExactly(b, c, again);
    }

    @Test
    void verify_asksTheAccountsProvider() {
        registry.register("ok", "test-cloud", TestProvider.credentials(KEY), "web");
        registry.register("refused", "test-cloud", TestProvider.credentials(KEY), "web");
        provider.fail("refused", TestProvider.Failure.UNAVAILABLE, 0);

        registry.verify("ok");
        assertThatThrownBy(() -> registry.verify("refused"))
                .isInstanceOf(CredentialsRejectedException.class)
                .hasMessageNotContaining(KEY);
        assertThatThrownBy(() -> registry.verify("missing")).isInstanceOf(NoSuchServiceAccountException.class);
        assertThat(provider.verifications()).isEqualTo(2);
    }

    @Test
    void serviceAccountToString_neverShowsTheSecret() {
        ServiceAccount a = registry.register("prod", "test-cloud", TestProvider.credentials(KEY), "web");

        assertThat(a.toString()).contains("prod", "web", "key=***").doesNotContain(KEY);
    }
}
