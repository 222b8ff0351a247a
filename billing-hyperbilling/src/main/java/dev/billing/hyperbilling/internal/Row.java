package dev.billing.hyperbilling.internal;

import java.math.BigDecimal;

/**
 * One element of a billing answer's {@code Results}, as sent; values not yet interpreted.
 *
 * @param usageCost the cost, zero when the answer sent {@code null}
 * @param nullCost whether the answer sent {@code USAGE_COST: null} (counted as zero, as the real clients read it)
 */
record Row(String usageDate, String region, String serviceCode, String usageType, BigDecimal usageCost,
           BigDecimal usageQuantity, boolean nullCost) {
}
