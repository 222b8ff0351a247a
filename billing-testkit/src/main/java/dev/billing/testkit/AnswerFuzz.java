package dev.billing.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.billing.core.BillingException;
import dev.billing.core.CostRecord;
import dev.billing.core.spi.CostSink;
import dev.billing.core.support.Bounds;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The two assertions of a provider's answer-fuzz test: whatever a vendor's answer holds, a fetch either gives
 * exact amounts within {@code Bounds}, or fails with a {@link BillingException} whose message is short and free
 * of control characters. Also the seeds such a test runs, the answer it serves for each (one page of a valid answer
 * mutated) and the extreme amounts it tries. Needs AssertJ on the test classpath.
 */
public final class AnswerFuzz {
    private AnswerFuzz() {
    }

    /**
     * A multi-page answer with at most one page changed.
     *
     * @param pages the pages to serve, in order
     * @param unchanged whether every page is as given (a mutation can leave its input as it was)
     */
    public record Answer(List<byte[]> pages, boolean unchanged) {
        /** Copies the pages. */
        public Answer {
            pages = List.copyOf(pages);
        }

        /**
         * @param i a page's position, from 0
         * @return what to serve as that page
         */
        public byte[] page(int i) {
            return pages.get(i).clone();
        }
    }

    /**
     * The seeds an answer-fuzz test runs, 0 to 199: {@code @MethodSource("dev.billing.testkit.AnswerFuzz#seeds")}.
     *
     * @return the seeds
     */
    public static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    /**
     * @param seed picks the page ({@code seed} modulo the number of pages) and its {@link Mutations mutation}
     * @param pages the pages of a valid answer, in order
     * @return the answer with the picked page mutated
     */
    public static Answer mutateOnePage(long seed, String... pages) {
        List<byte[]> out = new ArrayList<>();
        for (String page : pages) {
            out.add(page.getBytes(StandardCharsets.UTF_8));
        }
        int picked = (int) Math.floorMod(seed, (long) pages.length);
        byte[] valid = out.get(picked);
        byte[] mutant = Mutations.mutate(valid, seed);
        out.set(picked, mutant);
        return new Answer(out, Arrays.equals(mutant, valid));
    }

    /**
     * Amounts a vendor's text might hold that no fetch may accept as they are: exponents beyond any scale, 900,000
     * digits, 41 digits, {@code NaN}, nothing, control characters.
     *
     * @return the amounts' text
     */
    public static Stream<String> extremeAmounts() {
        return Stream.of("1E+999999999", "1E-999999999", "9".repeat(900_000), "1" + "0".repeat(40), "NaN", "",
                "\u001b[2J\u0007");
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
