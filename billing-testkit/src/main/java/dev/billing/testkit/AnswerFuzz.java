package dev.billing.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.billing.core.BillingException;
import dev.billing.core.CostRecord;
import dev.billing.core.spi.CostSink;
import dev.billing.core.support.Bounds;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The two assertions of a provider's answer-fuzz test: whatever a vendor's answer holds, a fetch either gives
 * exact amounts within {@code Bounds}, or fails with a {@link BillingException} whose message is short and free
 * of control characters. Needs AssertJ on the test classpath.
 */
public final class AnswerFuzz {
    private AnswerFuzz() {
    }

    /** One fetch of a provider, passing its records to the sink. */
    @FunctionalInterface
    public interface Fetch {
        /** @param sink receives each record */
        void fetch(CostSink sink);
    }

    /**
     * @param fetch the fetch of a (possibly mutated) answer
     * @param unchangedTotal the billed total of the answer as served unchanged, or {@code null} when it was mutated
     *     (then only the bounds are checked)
     */
    public static void assertExactOrRefused(Fetch fetch, BigDecimal unchangedTotal) {
        List<CostRecord> records = new ArrayList<>();
        Throwable t = catchThrowable(() -> fetch.fetch(records::add));
        if (t == null) {
            records.forEach(r -> Bounds.decimal(r.billedCost().amount()));
            if (unchangedTotal != null) {
                assertThat(records.stream().map(r -> r.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add))
                        .isEqualTo(unchangedTotal);
            }
        } else {
            assertBounded(t);
        }
    }

    /** @param t what a fetch threw: a {@link BillingException} with a bounded message */
    public static void assertBounded(Throwable t) {
        assertThat(t).as("what escaped").isInstanceOf(BillingException.class);
        assertThat(t.getMessage()).hasSizeLessThanOrEqualTo(Bounds.MAX_MESSAGE).doesNotContainPattern("\\p{Cntrl}");
    }
}
