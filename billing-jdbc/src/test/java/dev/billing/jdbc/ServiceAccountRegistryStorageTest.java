package dev.billing.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostQuery;
import dev.billing.core.CostReport;
import dev.billing.core.CostSync;
import dev.billing.core.CoverageStatus;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.SyncSummary;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.YearMonth;
import java.time.ZoneOffset;
import dev.billing.core.BillingException;
import dev.billing.core.Credentials;
import dev.billing.core.DuplicateServiceAccountException;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.ServiceAccountStore;
import dev.billing.testkit.StoreTestProvider;
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
        return Billing.builder().discoverProviders(false).addProvider(new StoreTestProvider(1, 1))
                .serviceAccountStore(storage).build();
    }

    private void register(Billing billing, String name, String project) {
        billing.serviceAccounts().register(name, StoreTestProvider.ID,
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
            ServiceAccount listed = storage.list().get(0);   // listing never opens a value
            assertThat(listed.credentials().fields()).containsExactly("account", "key");
            assertThat(listed.credentials().toString()).doesNotContain("TopSecretValue");
            assertThatThrownBy(() -> listed.credentials().get("key")).isInstanceOf(BillingException.class)
                    .hasMessageContaining("prod-aws").hasMessageContaining("wrong key")
                    .hasMessageContaining("register it again").hasMessageNotContaining("TopSecretValue");
        }
    }

    private CostSync sync(JdbcCostStore store, Billing billing) {
        return CostSync.builder(billing).store(store).monthsBack(0).build();
    }

    @Test
    void oneCredentialSealedWithAnotherKey_thatAccountFailsWithAClearReason_theOthersAreExact() throws Exception {
        try (JdbcCostStore store = JdbcCostStore.embedded(dir.resolve("costs"));
             Billing billing = billing(store.serviceAccountStore(SecretStore.aesGcm(KEY)))) {
            register(billing, "web-aws", "project-web");
            register(billing, "bad-aws", "project-web");
            register(billing, "ops-aws", "project-ops");
        }
        byte[] otherKey = KEY.clone();
        otherKey[3] ^= 1;
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("costs").toAbsolutePath());
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE service_account_credential SET sealed = ? WHERE name = 'bad-aws' AND field = 'key'")) {
            ps.setString(1, SecretStore.aesGcm(otherKey).seal(ServiceAccountId.of("bad-aws"), "key", "TopSecretValue-x"));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }

        try (JdbcCostStore store = JdbcCostStore.embedded(dir.resolve("costs"));
             Billing billing = billing(store.serviceAccountStore(SecretStore.aesGcm(KEY)))) {
            SyncSummary summary = sync(store, billing).sync();
            CostReport live = billing.costs().report(CostQuery.of(BillingPeriod.month(YearMonth.now(ZoneOffset.UTC))));

            assertThat(summary.accounts()).extracting(a -> a.account().value() + "=" + a.succeeded())
                    .containsExactly("web-aws=true", "bad-aws=false", "ops-aws=true");
            assertThat(summary.accounts().get(1).error()).contains("bad-aws", "cannot decrypt credential 'key'",
                    "wrong key").doesNotContain("TopSecretValue");
            assertThat(live.coverage()).extracting(c -> c.name() + "=" + c.code())
                    .containsExactly("web-aws=OK", "bad-aws=FAILED", "ops-aws=OK");
            assertThat(live.coverage().get(1).error()).contains("cannot decrypt");
            CostReport stored = sync(store, billing).report(live.query());
            assertThat(stored.project("project-ops")).isEqualTo(live.project("project-ops"));
            assertThat(stored.coverage().get(0).code()).isEqualTo(CoverageStatus.OK);
        }
    }

    @Test
    void keyRotation_withTheStoreInUse_opensOldValues_resealsThemAll_thenTheOldKeyCanGo() throws Exception {
        byte[] newKey = KEY.clone();
        newKey[0] ^= 7;
        byte[] newerKey = KEY.clone();
        newerKey[1] ^= 9;
        try (JdbcCostStore store = JdbcCostStore.embedded(dir.resolve("costs"));
             Billing billing = billing(store.serviceAccountStore(SecretStore.aesGcm(KEY)))) {
            register(billing, "web-aws", "project-web");
            register(billing, "ops-aws", "project-ops");
            assertThat(sync(store, billing).sync().isComplete()).isTrue();
        }
        try (JdbcCostStore store = JdbcCostStore.embedded(dir.resolve("costs"))) {
            SecretStore rotating = SecretStore.aesGcm(newKey, KEY);
            try (Billing billing = billing(store.serviceAccountStore(rotating))) {
                register(billing, "new-aws", "project-web");                   // sealed with the new key
                assertThat(sync(store, billing).sync().isComplete()).isTrue();   // old values open meanwhile
            }
            assertThat(store.resealCredentials(rotating)).isZero();   // opening them sealed them again already
            try (Billing billing = billing(store.serviceAccountStore(SecretStore.aesGcm(newerKey, newKey)))) {
                assertThat(store.resealCredentials(SecretStore.aesGcm(newerKey, newKey))).isEqualTo(6);
                assertThat(store.resealCredentials(SecretStore.aesGcm(newerKey, newKey))).isZero();
            }
            try (Billing billing = billing(store.serviceAccountStore(SecretStore.aesGcm(newerKey)))) {
                SyncSummary summary = sync(store, billing).sync();
                assertThat(summary.isComplete()).isTrue();
                assertThat(billing.serviceAccounts().get("web-aws").credentials().get("key"))
                        .contains("TopSecretValue-web-aws");
            }
            try (Billing billing = billing(store.serviceAccountStore(SecretStore.aesGcm(KEY)))) {
                assertThat(sync(store, billing).sync().accounts()).noneMatch(a -> a.succeeded());
            }
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
