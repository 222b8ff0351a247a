package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DimensionTest {

    @ParameterizedTest
    @EnumSource(Dimension.class)
    void parse_roundTripsEveryKey(Dimension d) {
        assertThat(Dimension.parse(d.key())).isSameAs(d);
    }

    @Test
    void parse_unknown_listsTheValidKeys() {
        assertThatThrownBy(() -> Dimension.parse("SERVICE_ACCOUNT"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("unknown dimension 'SERVICE_ACCOUNT'; use one of provider, service, region, account,"
                        + " subAccount, serviceAccount, project, usageType, chargeCategory");
    }

    @Test
    void valueOf_readsEachColumn() {
        CostRecord r = new CostRecord(LocalDate.of(2026, 1, 1), ProviderId.of("p"), "111122223333", "",
                ServiceAccountId.of("sa"), ProjectId.of("proj"), "AmazonEC2", "eu-west-1", "BoxUsage",
                ChargeCategory.TAX, Money.of("1", "USD"), BigDecimal.ONE);

        assertThat(Dimension.PROVIDER.valueOf(r)).isEqualTo("p");
        assertThat(Dimension.SERVICE.valueOf(r)).isEqualTo("AmazonEC2");
        assertThat(Dimension.REGION.valueOf(r)).isEqualTo("eu-west-1");
        assertThat(Dimension.ACCOUNT.valueOf(r)).isEqualTo("111122223333");
        assertThat(Dimension.SERVICE_ACCOUNT.valueOf(r)).isEqualTo("sa");
        assertThat(Dimension.PROJECT.valueOf(r)).isEqualTo("proj");
        assertThat(Dimension.USAGE_TYPE.valueOf(r)).isEqualTo("BoxUsage");
        assertThat(Dimension.CHARGE_CATEGORY.valueOf(r)).isEqualTo("TAX");
    }
}
