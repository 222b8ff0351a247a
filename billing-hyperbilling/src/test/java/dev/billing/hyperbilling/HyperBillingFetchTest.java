package dev.billing.hyperbilling;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class HyperBillingFetchTest extends HyperBillingTestSupport {

    @Test
    void fetch_onePage_returnsExactTotalAndMapsEveryColumn() {
        server.stubFor(post(urlEqualTo(BILLING)).willReturn(aResponse().withStatus(200).withBody(page("\"Currency\":\"USD\"",
                row("2026-01-05", "1.2345678"), row("2026-01-06", "APN2", "AmazonS3", "APN2-TimedStorage-ByteHrs",
                        "0.0000001", "3.5")))));

        Fetched fetched = fetch(provider(), january(Granularity.DAILY));

        assertThat(fetched.total()).isEqualByComparingTo("1.2345679");
        assertThat(fetched.stats()).isEqualTo(new dev.billing.core.spi.FetchStats(2, 1, 1, 0));
        CostRecord first = fetched.records().get(0);
        assertThat(first.chargeDate()).isEqualTo(LocalDate.of(2026, 1, 5));
        assertThat(first.provider().value()).isEqualTo("hyperbilling-aws");
        assertThat(first.billingAccountId()).isEqualTo(ACCOUNT_ID);
        assertThat(first.serviceAccount().value()).isEqualTo("prod-aws");
        assertThat(first.project().value()).isEqualTo("project-web");
        assertThat(first.service()).isEqualTo("AmazonEC2");
        assertThat(first.region()).isEqualTo("ap-northeast-2");
        assertThat(first.usageType()).isEqualTo("APN2-BoxUsage:t3.micro");
        assertThat(first.chargeCategory()).isEqualTo(ChargeCategory.USAGE);
        assertThat(first.cost()).isEqualTo(Money.of("1.2345678", "USD"));
        assertThat(first.usageQuantity()).isEqualByComparingTo(new BigDecimal("24"));
        server.verify(1, postRequestedFor(urlEqualTo(BILLING))
                .withHeader("X-Client-Id", equalTo("ops@example.com"))
                .withHeader("X-Client-Secret", equalTo(KEY))
                .withRequestBody(equalToJson("{\"Filter\":{\"LinkedAccount\":[\"111111111111\"],\"Granularity\":\"DAILY\","
                        + "\"TimePeriod\":{\"Start\":\"2026-01-01\",\"End\":\"2026-02-01\"}},"
                        + "\"GroupBy\":[\"USAGE_DATE\",\"REGION\",\"SERVICE_CODE\",\"USAGE_TYPE\",\"INSTANCE_TYPE\"],"
                        + "\"Result\":[\"USAGE_COST\",\"USAGE_QUANTITY\"]}")));
    }
}
