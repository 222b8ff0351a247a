package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostRecordTest {

    private static CostRecord.Builder usage() {
        return CostRecord.builder().chargeDate(LocalDate.of(2026, 3, 1)).provider(ProviderId.of("fake"))
                .billingAccountId("111").serviceAccount(ServiceAccountId.of("sa")).project(ProjectId.of("p"))
                .service("AmazonEC2").region("us-east-1").billedCost(Money.of("10.50", "USD"));
    }

    @Test
    void builder_withoutOptionalColumns_hasTheDefaults_andEffectiveCostIsTheBilledOneAndSaysSo() {
        CostRecord r = usage().build();

        assertThat(r.subAccountId()).isEmpty();
        assertThat(r.usageType()).isEmpty();
        assertThat(r.chargeCategory()).isEqualTo(ChargeCategory.USAGE);
        assertThat(r.correction()).isFalse();
        assertThat(r.tags()).isEmpty();
        assertThat(r.listCost()).isEmpty();
        assertThat(r.usageQuantity()).isNull();
        assertThat(r.effectiveCost()).isEqualTo(Money.of("10.5", "USD"));
        assertThat(r.effectiveCostGiven()).isFalse();
    }

    @Test
    void givenEffectiveCostEqualToBilled_differsFromNoneGiven() {
        CostRecord none = usage().build();
        CostRecord given = usage().effectiveCost(Money.of("10.5", "USD")).build();

        assertThat(given.effectiveCostGiven()).isTrue();
        assertThat(given).isNotEqualTo(none);
        assertThat(given.toBuilder().effectiveCost(null).build()).isEqualTo(none).hasSameHashCodeAs(none);
    }

    @Test
    void toBuilder_copiesEveryColumn() {
        CostRecord r = usage().subAccountId("222").usageType("BoxUsage").chargeCategory(ChargeCategory.PURCHASE)
                .correction(true).effectiveCost(Money.of("3", "USD")).listCost(Money.of("12", "USD"))
                .usageQuantity(java.math.BigDecimal.TEN).tags(Map.of("team", "web")).build();

        assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r).hasToString(r.toString());
        assertThat(r.toString()).contains("tags={team=web}", "listCost=12 USD", "correction=true");
    }

    @Test
    void tags_areCopiedOnce_unmodifiable_andAnUnmodifiableMapIsShared() {
        Map<String, String> mutable = new HashMap<>(Map.of("team", "web"));
        CostRecord r = usage().tags(mutable).build();
        mutable.put("team", "db");

        assertThat(r.tags()).containsExactly(Map.entry("team", "web"));
        assertThatThrownBy(() -> r.tags().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        Map<String, String> shared = Map.of("team", "web");
        assertThat(usage().tags(shared).build().tags()).isSameAs(shared);
    }

    @Test
    void costsInAnotherCurrency_orAMissingRequiredColumn_areRefused() {
        assertThatThrownBy(() -> usage().listCost(Money.of("1", "EUR")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("listCost is in EUR but billedCost in USD: a line item's costs share one currency");
        assertThatThrownBy(() -> usage().effectiveCost(Money.of("1", "JPY")).build())
                .hasMessageStartingWith("effectiveCost is in JPY");
        assertThatThrownBy(() -> usage().billedCost(null).build()).isInstanceOf(NullPointerException.class)
                .hasMessage("billedCost");
        assertThatThrownBy(() -> usage().tags(Map.of()).service(null).build()).hasMessage("service");
    }
}
