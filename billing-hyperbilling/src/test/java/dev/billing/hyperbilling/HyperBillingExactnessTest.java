package dev.billing.hyperbilling;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Granularity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Property: whatever amounts the service sends, in whatever notation, the total equals the BigDecimal reference sum. */
@Timeout(30)
class HyperBillingExactnessTest extends HyperBillingTestSupport {

    @ParameterizedTest
    @ValueSource(longs = {1L, 42L, 20260126L, 7_777_777L, -3L})
    void projectTotal_overRandomAmountsAndPages_equalsTheReferenceSumExactly(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BigDecimal expected = BigDecimal.ZERO;
        int pages = 1 + random.nextInt(4);
        for (int p = 1; p <= pages; p++) {
            List<String> rows = new ArrayList<>();
            for (int i = random.nextInt(150); i >= 0; i--) {
                // up to 19 significant digits: more than a double holds
                BigDecimal amount = new BigDecimal(random.nextLong()).movePointLeft(random.nextInt(24));
                String text = switch (random.nextInt(3)) {
                    case 0 -> amount.toPlainString();
                    case 1 -> amount.toString();
                    default -> amount.unscaledValue() + "E" + (-amount.scale());
                };
                String day = "2026-01-" + String.format("%02d", 1 + random.nextInt(30));
                rows.add(row(day, text));
                expected = expected.add(amount);
            }
            String token = p < pages ? "\"NextDataToken\":\"page-" + (p + 1) + "\"" : "";
            server.stubFor(post(urlEqualTo(BILLING))
                    .withRequestBody(p == 1 ? notContaining("NextDataToken")
                            : matchingJsonPath("$.Filter.NextDataToken", equalTo("page-" + p)))
                    .willReturn(ok(page(token, rows.toArray(String[]::new)))));
        }

        Fetched fetched = fetch(provider(), oneWindow(Granularity.DAILY));

        assertThat(fetched.total()).isEqualByComparingTo(expected);
        assertThat(fetched.stats().pages()).isEqualTo(pages);
    }
}
