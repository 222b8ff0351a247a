package dev.billing.hyperbilling.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.testkit.Mutations;
import java.nio.charset.StandardCharsets;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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
}
