package dev.billing.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.BillingPeriod;
import dev.billing.core.Money;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulatorDataTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 42, 20260101})
    void generator_sameSeed_sameRowsToTheLastDigit(long seed) {
        SimulatorData a = SimulatorData.generator().seed(seed).accounts(4).currencies("USD", "KRW").build();
        SimulatorData b = SimulatorData.generator().seed(seed).accounts(4).currencies("USD", "KRW").build();
        assertThat(a.rows()).isEqualTo(b.rows());
        assertThat(a.users()).isEqualTo(b.users());
        assertThat(a.currency(a.accounts().get(1)).getCurrencyCode()).isEqualTo("KRW");
        assertThat(a.accounts()).allMatch(id -> id.matches("\\d{12}"));
    }

    @ParameterizedTest
    @ValueSource(longs = {3, 5, 8})
    void total_equalsTheSumOfItsMonths(long seed) {
        SimulatorData d = SimulatorData.generator().seed(seed).build();
        SplittableRandom random = new SplittableRandom(seed);
        String account = d.accounts().get(random.nextInt(d.accounts().size()));
        Money sum = Money.zero(d.currency(account));
        for (int m = 1; m <= 3; m++) {
            sum = sum.plus(d.total(account, BillingPeriod.month(YearMonth.of(2026, m))));
        }
        assertThat(d.total(account, BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 3)))).isEqualTo(sum);
        assertThat(sum.isZero()).isFalse();
    }

    @Test
    void totals_keepCurrenciesApart() {
        SimulatorData d = SimulatorData.generator().accounts(3).currencies("USD", "KRW").build();
        BillingPeriod jan = BillingPeriod.month(YearMonth.of(2026, 1));
        assertThat(d.totals(d.accounts(), jan)).extracting(m -> m.currency().getCurrencyCode())
                .containsExactly("KRW", "USD");
        assertThat(d.totals(d.accounts(), jan).get(1))
                .isEqualTo(d.total(d.accounts().get(0), jan).plus(d.total(d.accounts().get(2), jan)));
    }

    @Test
    void load_json_readsCostsExactly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data.json");
        Files.writeString(file, """
                {"accounts": [{"id": "111111111111", "currency": "EUR"}],
                 "users": [{"email": "ops@example.com", "key": "k1", "accounts": ["111111111111"]}],
                 "rows": [{"account": "111111111111", "date": "2026-01-05", "service": "AmazonEC2", "region": "APN2",
                           "cost": 0.1000000000000000055511151231257827, "quantity": 24},
                          {"account": "111111111111", "date": "2026-01-06", "service": "AmazonS3", "cost": "1.5E-7"}]}
                """);
        SimulatorData d = SimulatorData.load(file);
        assertThat(d.rows().get(0).cost()).isEqualTo(new BigDecimal("0.1000000000000000055511151231257827"));
        assertThat(d.total("111111111111", BillingPeriod.month(YearMonth.of(2026, 1))).amount())
                .isEqualByComparingTo("0.1000001500000000055511151231257827");
        assertThat(d.userFor("111111111111")).get().extracting(SimulatorData.ApiUser::key).isEqualTo("k1");
    }

    @Test
    void load_csv_readsRowsAndMakesTheDefaultUser(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data.csv");
        Files.writeString(file, "account,currency,date,service,region,usageType,instanceType,cost,quantity\n"
                + "111111111111,USD,2026-01-05,AmazonEC2,APN2,,t3.micro,1.2345678,24\n"
                + "222222222222,KRW,2026-01-05,AmazonS3,,,,-3,\n");
        SimulatorData d = SimulatorData.load(file);
        assertThat(d.accounts()).containsExactly("111111111111", "222222222222");
        assertThat(d.rows().get(1)).isEqualTo(new SimulatorData.Row("222222222222", LocalDate.of(2026, 1, 5), null,
                "AmazonS3", null, null, new BigDecimal("-3"), null));
        assertThat(d.users()).singleElement().satisfies(u -> {
            assertThat(u.email()).isEqualTo(SimulatorData.DEFAULT_EMAIL);
            assertThat(u.accounts()).containsExactly("111111111111", "222222222222");
        });
    }

    @Test
    void load_malformed_namesFileAndPlace(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bad.json");
        Files.writeString(json, "{\"accounts\": [\n  {\"id\": }]}");
        assertThatThrownBy(() -> SimulatorData.load(json)).hasMessageContaining("bad.json").hasMessageContaining("line 2");
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "account,currency,date,service,region,usageType,instanceType,cost,quantity\n"
                + "111111111111,USD,2026-13-05,AmazonEC2,,,,1,\n");
        assertThatThrownBy(() -> SimulatorData.load(csv)).hasMessageContaining("line 2").hasMessageContaining("2026-13-05");
    }

    @Test
    void apiUser_toString_hidesTheKey() {
        assertThat(new SimulatorData.ApiUser("a@example.com", "s3cret", List.of("1").stream()
                .collect(java.util.stream.Collectors.toSet())).toString()).doesNotContain("s3cret");
    }
}
