package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DimensionTest {

    @ParameterizedTest
    @EnumSource(Dimension.Fixed.class)
    void parse_roundTripsEveryKey(Dimension.Fixed d) {
        assertThat(Dimension.parse(d.key())).isSameAs(d);
    }

    @Test
    void parse_unknown_listsTheValidKeys() {
        assertThatThrownBy(() -> Dimension.parse("SERVICE_ACCOUNT"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("unknown dimension 'SERVICE_ACCOUNT'; use one of provider, service, region, account,"
                        + " subAccount, serviceAccount, project, usageType, chargeCategory or tag:KEY");
    }

    @Test
    void valueOf_readsEachColumn() {
        CostRecord r = CostRecord.builder().chargeDate(LocalDate.of(2026, 1, 1)).provider(ProviderId.of("p"))
                .billingAccountId("111122223333").serviceAccount(ServiceAccountId.of("sa"))
                .project(ProjectId.of("proj")).service("AmazonEC2").region("eu-west-1").usageType("BoxUsage")
                .chargeCategory(ChargeCategory.TAX).billedCost(Money.of("1", "USD"))
                .usageQuantity(BigDecimal.ONE).build();

        assertThat(Dimension.PROVIDER.valueOf(r)).isEqualTo("p");
        assertThat(Dimension.SERVICE.valueOf(r)).isEqualTo("AmazonEC2");
        assertThat(Dimension.REGION.valueOf(r)).isEqualTo("eu-west-1");
        assertThat(Dimension.ACCOUNT.valueOf(r)).isEqualTo("111122223333");
        assertThat(Dimension.SERVICE_ACCOUNT.valueOf(r)).isEqualTo("sa");
        assertThat(Dimension.PROJECT.valueOf(r)).isEqualTo("proj");
        assertThat(Dimension.USAGE_TYPE.valueOf(r)).isEqualTo("BoxUsage");
        assertThat(Dimension.CHARGE_CATEGORY.valueOf(r)).isEqualTo("TAX");
    }

    @Test
    void column_isTheStoreColumnOfEachDimension_distinctAndSnakeCase() {
        assertThat(Arrays.stream(Dimension.Fixed.values()).map(Dimension.Fixed::column)).containsExactly("provider", "service",
                "region", "billing_account", "sub_account", "service_account", "project", "usage_type",
                "charge_category");
        assertThat(Arrays.stream(Dimension.Fixed.values()).map(Dimension.Fixed::column).distinct()).hasSize(Dimension.Fixed.values().length);
        assertThat(Dimension.Fixed.values()).allSatisfy(d -> assertThat(d.column()).matches("[a-z]+(_[a-z]+)*"));
    }

    @Test
    void perAccount_isTheServiceAccountAndTheProject_andTheirValueComesFromTheAccount() {
        ServiceAccount account = new ServiceAccount(ServiceAccountId.of("prod-aws"), ProviderId.of("p"),
                ProjectId.of("project-web"), Credentials.of(Map.of()), Map.of());

        assertThat(Dimension.fixed().stream().filter(Dimension::perAccount).toList())
                .containsExactly(Dimension.SERVICE_ACCOUNT, Dimension.PROJECT);
        assertThat(Dimension.SERVICE_ACCOUNT.valueOf(account)).hasValue("prod-aws");
        assertThat(Dimension.PROJECT.valueOf(account)).hasValue("project-web");
        assertThat(Dimension.Fixed.values()).allSatisfy(d -> assertThat(d.valueOf(account).isPresent())
                .as(d.key()).isEqualTo(d.perAccount()));
    }

    @Test
    void passes_whenTheDimensionIsNotFilteredOrTheValueIsListedExactly() {
        Map<Dimension, Set<String>> filters = Map.of(Dimension.SERVICE, Set.of("AmazonEC2", "AmazonS3"));

        assertThat(Dimension.SERVICE.passes(filters, "AmazonEC2")).isTrue();
        assertThat(Dimension.SERVICE.passes(filters, "amazonec2")).isFalse();
        assertThat(Dimension.SERVICE.passes(filters, "AmazonRDS")).isFalse();
        assertThat(Dimension.REGION.passes(filters, "anything")).isTrue();
        assertThat(Dimension.SERVICE.passes(Map.of(Dimension.SERVICE, Set.of()), "AmazonEC2")).isFalse();
    }

    @Test
    void costQueryAccepts_isThePassesRule() {
        CostQuery q = CostQuery.builder(BillingPeriod.month(java.time.YearMonth.of(2026, 1))).filter(Dimension.REGION, "eu-west-1").build();

        for (Dimension d : Dimension.fixed()) {
            for (String v : new String[] {"eu-west-1", "us-east-1"}) {
                assertThat(q.accepts(d, v)).as(d + " " + v).isEqualTo(d.passes(q.filters(), v));
            }
        }
    }
}
