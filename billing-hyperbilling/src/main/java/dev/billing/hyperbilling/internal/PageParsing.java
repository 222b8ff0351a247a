package dev.billing.hyperbilling.internal;

import java.math.BigDecimal;

/**
 * Lets the benchmarks call the provider's own page parser, which is package-private. Public only for
 * {@code billing-benchmarks} on the class path: the module descriptor does not export this package.
 */
public final class PageParsing {
    private PageParsing() {
    }

    /**
     * @param body a billing answer
     * @return its rows' total {@code USAGE_COST}, read by the provider's parser
     */
    public static BigDecimal totalCost(byte[] body) {
        BigDecimal total = BigDecimal.ZERO;
        for (Row row : Json.parsePage(body).rows()) {
            total = total.add(row.usageCost());
        }
        return total;
    }
}
