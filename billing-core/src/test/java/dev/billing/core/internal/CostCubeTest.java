package dev.billing.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.CostReport;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.CostCell;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Currency;
import java.util.List;
import org.junit.jupiter.api.Test;

class CostCubeTest {
    private static final Currency USD = Currency.getInstance("USD");
    private static final Currency EUR = Currency.getInstance("EUR");

    @Test
    void of_storeRows_reportsDomainProjectsAndRowsExactly() {
        ColumnarStore store = new ColumnarStore();
        ColumnarStore.Segment a = store.newSegment();
        a.add(record("sa-1", "p-1", LocalDate.of(2026, 1, 3), "EC2", "1.10", USD));
        a.add(record("sa-1", "p-1", LocalDate.of(2026, 2, 3), "EC2", "2.005", USD));
        a.add(record("sa-1", "p-1", LocalDate.of(2026, 2, 4), "S3", "-0.5", USD));
        store.commit(a);
        ColumnarStore.Segment b = store.newSegment();
        b.add(record("sa-2", "p-2", LocalDate.of(2026, 1, 9), "EC2", "7", EUR));
        b.add(record("sa-2", "p-2", LocalDate.of(2026, 3, 1), "EC2", "1", EUR));
        store.commit(b);
        CostQuery query = CostQuery.builder(BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 2)))
                .granularity(Granularity.MONTHLY).groupBy(Dimension.SERVICE).build();

        CostReport report = CostCube.of(store, query)
                .toReport(query, List.of(ProjectId.of("p-1"), ProjectId.of("p-2"), ProjectId.of("p-3")), List.of());

        assertThat(report.totals()).containsExactly(Money.of("7", "EUR"), Money.of("2.605", "USD"));
        assertThat(report.project("p-1").totals()).containsExactly(Money.of("2.605", "USD"));
        assertThat(report.project("p-1").series()).extracting(p -> p.period() + "=" + plain(p.amount()))
                .containsExactly("2026-01=1.1 USD", "2026-02=1.505 USD");
        assertThat(report.project("p-3").totals()).isEmpty();
        assertThat(report.rows()).extracting(r -> r.period() + " " + r.keys().get(Dimension.SERVICE) + " " + plain(r.amount()))
                .containsExactly("2026-01 EC2 7 EUR", "2026-01 EC2 1.1 USD", "2026-02 EC2 2.005 USD",
                        "2026-02 S3 -0.5 USD");
    }

    @Test
    void add_preAggregatedSums_areMergedPerCell() {
        CostQuery query = CostQuery.builder(BillingPeriod.month(YearMonth.of(2026, 1))).groupBy(Dimension.REGION).build();
        CostCube cube = new CostCube(Granularity.MONTHLY, List.of(Dimension.REGION));
        LocalDate january = LocalDate.of(2026, 1, 1);
        cube.add(new CostCell(january, ProjectId.of("p-1"), List.of("APN2"), new Money(new BigDecimal("0.1"), USD)));
        cube.add(new CostCell(january.plusDays(3), ProjectId.of("p-1"), List.of("APN2"), new Money(new BigDecimal("0.2"), USD)));

        CostReport report = cube.toReport(query, List.of(ProjectId.of("p-1")), List.of());

        assertThat(report.rows()).hasSize(1);
        assertThat(report.total(USD).amount()).isEqualByComparingTo("0.3");
        assertThatThrownBy(() -> cube.add(new CostCell(january, ProjectId.of("p-1"), List.of(), new Money(BigDecimal.ONE, USD))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 1 keys");
    }

    private static String plain(Money m) {
        return m.amount().stripTrailingZeros().toPlainString() + " " + m.currency().getCurrencyCode();
    }

    private static CostRecord record(String serviceAccount, String project, LocalDate day, String service,
                                     String amount, Currency currency) {
        return CostRecord.builder().chargeDate(day).provider(ProviderId.of("fake"))
                .billingAccountId("111111111111").serviceAccount(ServiceAccountId.of(serviceAccount))
                .project(ProjectId.of(project)).service(service).region("global")
                .billedCost(new Money(new BigDecimal(amount), currency)).build();
    }
}
