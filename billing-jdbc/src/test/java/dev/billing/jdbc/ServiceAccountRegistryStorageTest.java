package dev.billing.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.Billing;
import dev.billing.core.BillingException;
import dev.billing.core.Credentials;
import dev.billing.core.DuplicateServiceAccountException;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.ServiceAccountStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service-account registry kept in the embedded database, credential values sealed with AES-GCM. */
class ServiceAccountRegistryStorageTest {
    private static final byte[] KEY = Arrays.copyOf("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8), 32);

    @TempDir
    Path dir;

    private Billing billing(ServiceAccountStore storage) {
        return Billing.builder().discoverProviders(false).addProvider(new TestProvider(1, 1))
                .serviceAccountStore(storage).build();
    }

    private void register(Billing billing, String name, String project) {
        billing.serviceAccounts().register(name, TestProvider.ID,
                Credentials.of(orderedCredentials(name)), project,
                Map.of("team", "LabelInPlainText-" + name));
    }

    private static Map<String, String> orderedCredentials(String name) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("account", "acct-" + name);
        values.put("key", "TopSecretValue-" + name);
        return values;
    }

    @Test
    void registry_keptInTheDatabase_survivesARestartInRegistrationOrder() {
        List<ServiceAccount> registered;
        try (JdbcCostStore store = JdbcCostStore.embedded(dir.resolve("costs"));
             Billing billing = billing(store.serviceAccountStore(SecretStore.aesGcm(KEY)))) {
            register(billing, "zeta-aws", "project-web");
            register(billing, "alpha-aws", "project-ops");
            register(billing, "mid-aws", "project-web");
            assertThat(billing.serviceAccounts().remove("mid-aws")).isTrue();
            assertThatThrownBy(() -> register(billing, "alpha-aws", "project-web"))
                    .isInstanceOf(DuplicateServiceAccountException.class);
            registered = billing.serviceAccounts().list();
        }

        try (JdbcCostStore store = JdbcCostStore.embedded(dir.resolve("costs"));
             Billing billing = billing(store.serviceAccountStore(SecretStore.aesGcm(KEY)))) {
            assertThat(billing.serviceAccounts().list()).isEqualTo(registered)
                    .extracting(ServiceAccount::name).containsExactly("zeta-aws", "alpha-aws");
            ServiceAccount alpha = billing.serviceAccounts().get("alpha-aws");
            assertThat(alpha.credentials().get("key")).contains("TopSecretValue-alpha-aws");
            assertThat(alpha.credentials().fields()).containsExactly("account", "key");
            assertThat(alpha.labels()).containsEntry("team", "LabelInPlainText-alpha-aws");
            assertThat(billing.serviceAccounts().find("mid-aws")).isEmpty();
        }
    }

    @Test
    void databaseFile_neverHoldsACredentialValueInPlainText() throws Exception {
        try (JdbcCostStore store = JdbcCostStore.embedded(dir.resolve("costs"));
             Billing billing = billing(store.serviceAccountStore(SecretStore.aesGcm(KEY)))) {
            register(billing, "prod-aws", "project-web");
        }

        String file = new String(Files.readAllBytes(dir.resolve("costs.mv.db")), StandardCharsets.ISO_8859_1);
        assertThat(file).contains("LabelInPlainText-prod-aws").doesNotContain("TopSecretValue").doesNotContain("acct-prod-aws");
    }

    @Test
    void open_withAnotherKey_failsNamingTheFieldButNeverTheValue() {
        try (JdbcCostStore store = JdbcCostStore.embedded(dir.resolve("costs"));
             Billing billing = billing(store.serviceAccountStore(SecretStore.aesGcm(KEY)))) {
            register(billing, "prod-aws", "project-web");
        }
        byte[] otherKey = KEY.clone();
        otherKey[0] ^= 1;

        try (JdbcCostStore store = JdbcCostStore.embedded(dir.resolve("costs"))) {
            ServiceAccountStore storage = store.serviceAccountStore(SecretStore.aesGcm(otherKey));
            assertThatThrownBy(storage::list).isInstanceOf(BillingException.class)
                    .hasMessageContaining("prod-aws").hasMessageContaining("wrong key")
                    .hasMessageNotContaining("TopSecretValue");
        }
    }

    @Test
    void sealedValue_movedToAnotherAccount_cannotBeOpened() {
        SecretStore aes = SecretStore.aesGcm(KEY);
        String sealed = aes.seal(dev.billing.core.ServiceAccountId.of("a"), "key", "TopSecretValue");

        assertThat(sealed).doesNotContain("TopSecretValue").startsWith("aesgcm1:");
        assertThat(aes.open(dev.billing.core.ServiceAccountId.of("a"), "key", sealed)).isEqualTo("TopSecretValue");
        assertThatThrownBy(() -> aes.open(dev.billing.core.ServiceAccountId.of("b"), "key", sealed))
                .isInstanceOf(BillingException.class);
        assertThatThrownBy(() -> SecretStore.aesGcm(new byte[10])).isInstanceOf(IllegalArgumentException.class);
    }
}
