package dev.billing.hyperbilling.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.testkit.Mutations;
import java.nio.charset.StandardCharsets;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded fuzzing of both HyperBilling answer parsers (billing pages and MZC summaries): every mutant of a valid
 * answer is either read or refused with a {@link ReplyException} of a bounded message; nothing else escapes.
 */
class AnswerFuzzTest {
    private static final byte[] PAGE = ("{\"Currency\":\"USD\",\"Results\":[{\"GroupBy\":{\"USAGE_DATE\":\"2026-01-05\","
            + "\"REGION\":\"APN2\",\"SERVICE_CODE\":\"AmazonEC2\",\"USAGE_TYPE\":\"APN2-BoxUsage\"},"
            + "\"Value\":{\"USAGE_COST\":1.50,\"USAGE_QUANTITY\":24}},{\"GroupBy\":{\"USAGE_DATE\":\"2026-01-06\"},"
            + "\"Value\":{\"USAGE_COST\":\"-0.25\"}}],\"NextDataToken\":\"t1\"}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] SUMMARY = ("[{\"kind\":\"daily_cost\",\"month\":\"202601\",\"data\":[{\"project_id\":\"p1\","
            + "\"data\":[{\"date\":\"2026-01-05\",\"invoice_month\":\"202601\",\"service_name\":\"Compute\","
            + "\"region_id\":\"asia\",\"costs\":[{\"final_cost\":12.5,\"currency\":\"KRW\"},"
            + "{\"final_cost\":\"0.001\",\"currency\":\"USD\"}]}]}]}]").getBytes(StandardCharsets.UTF_8);

    static LongStream seeds() {
        return LongStream.range(0, 150);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void billingPage(long seed) {
        assertReadOrRefused(() -> Json.parsePage(Mutations.mutate(PAGE, seed)));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void summary(long seed) {
        assertReadOrRefused(() -> SummaryJson.parse(Mutations.mutate(SUMMARY, seed)));
    }

    private static void assertReadOrRefused(Runnable parse) {
        try {
            parse.run();
        } catch (ReplyException e) {
            assertThat(e.getMessage()).hasSizeLessThan(2_000);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1E+25", "\"1E+999999999\"", "1E-999999999",
            "1E-39", "123456789012345678901"})
    void aCostOutsideTheBounds_isRefusedByBothParsers(String cost) {
        String page = new String(PAGE, StandardCharsets.UTF_8).replace("1.50", cost);
        String summary = new String(SUMMARY, StandardCharsets.UTF_8).replace("12.5", cost);
        assertThatThrownBy(() -> Json.parsePage(page.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ReplyException.class).hasMessageContaining("USAGE_COST")
                .hasMessageContaining("outside the supported range");
        assertThatThrownBy(() -> SummaryJson.parse(summary.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ReplyException.class).hasMessageContaining("final_cost")
                .hasMessageContaining("outside the supported range");
    }
}
