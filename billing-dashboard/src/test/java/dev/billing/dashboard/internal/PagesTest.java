package dev.billing.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.BillingPeriod;
import dev.billing.core.Granularity;
import dev.billing.core.Metric;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.SeriesPoint;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The converted-total seam: a view that carries a conversion is shown on the page and in the JSON document. */
class PagesTest {
    private static final Pages.Options OPTIONS = new Pages.Options("Billing", 5, false, Instant.EPOCH, List.of());

    private static ReportView converted() {
        SeriesPoint jan = new SeriesPoint(LocalDate.of(2026, 1, 1), "2026-01", Money.of("1350200.5", "KRW"));
        ReportView.Summary domain = new ReportView.Summary(List.of(Money.of("1000", "USD"), Money.of("0.5", "KRW")),
                List.of(new SeriesPoint(LocalDate.of(2026, 1, 1), "2026-01", Money.of("1000", "USD")),
                        new SeriesPoint(LocalDate.of(2026, 1, 1), "2026-01", Money.of("0.5", "KRW"))),
                Optional.of(new ReportView.Converted(Currency.getInstance("KRW"), List.of(Money.of("1350200.5", "KRW")),
                        List.of(jan))));
        return new ReportView(BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 1)), Granularity.MONTHLY, Metric.BILLED,
                domain, Map.of(ProjectId.of("p"), domain), List.of(), List.of(), List.of(),
                List.of(new ReportView.Rate(Currency.getInstance("USD"), Currency.getInstance("KRW"),
                        LocalDate.of(2026, 1, 1), new BigDecimal("1350.2"))), null);
    }

    @Test
    void convertedTotal_isACardAndAChartBesideTheUnconvertedOnes() {
        String html = Pages.domain(converted(), null, OPTIONS);

        assertThat(html).contains("<li class=\"card converted\"><span class=\"label\">All currencies in KRW</span>"
                + "<data class=\"amount converted-total\" data-currency=\"KRW\" value=\"1350200.5\">1350200 KRW</data>");
        assertThat(html).contains("id=\"chart-KRW-converted\"", "All currencies in KRW by month", "1000.00 USD", "0 KRW");
    }

    @Test
    void convertedTotal_isInTheJsonDocumentAsTheContractShapesIt() {
        StringBuilder json = new StringBuilder();
        ReportDocument.write(converted(), false, json);

        assertThat(stripped(json.toString())).contains("""
                    "converted": {
                      "currency": "KRW",
                      "totals": [ {
                        "currency": "KRW",
                        "amount": "1350200.5"
                      } ],
                      "series": [ {
                        "period": "2026-01",
                        "currency": "KRW",
                        "amount": "1350200.5"
                      } ]
                    }""".lines().map(String::strip).collect(java.util.stream.Collectors.joining("\n")), """
                  "rates": [ {
                    "from": "USD",
                    "to": "KRW",
                    "date": "2026-01-01",
                    "rate": "1350.2"
                  } ]
                }""".lines().map(String::strip).collect(java.util.stream.Collectors.joining("\n")));
    }

    private static String stripped(String text) {
        return text.lines().map(String::strip).collect(java.util.stream.Collectors.joining("\n"));
    }

    @Test
    void ticks_areRoundAndCoverTheRange() {
        assertThat(Pages.ticks(BigDecimal.ZERO, new BigDecimal("1234.5"))).extracting(BigDecimal::toPlainString)
                .containsExactly("0", "500", "1000", "1500");
        assertThat(Pages.ticks(new BigDecimal("-30"), new BigDecimal("70"))).extracting(b -> b.stripTrailingZeros().toPlainString())
                .containsExactly("-50", "-25", "0", "25", "50", "75");
        assertThat(Pages.ticks(BigDecimal.ZERO, BigDecimal.ZERO)).hasSize(2);
        assertThat(Pages.compact(new BigDecimal("1500000"))).isEqualTo("1.5M");
        assertThat(Pages.compact(new BigDecimal("2500"))).isEqualTo("2.5k");
        assertThat(Pages.compact(new BigDecimal("0.25"))).isEqualTo("0.25");
    }

    @Test
    void escape_coversMarkupQuotesAndControlCharacters() {
        assertThat(Html.escape("<a href=\"x\" title='y'>&\u0000</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;\uFFFD&lt;/a&gt;");
        assertThat(Html.urlEncode("a b/ü:")).isEqualTo("a%20b%2F%C3%BC%3A");
    }
}
