package dev.billing.hyperbilling.internal;

import java.math.BigDecimal;

/** One element of a billing answer's {@code Results}, as sent; values not yet interpreted. */
record Row(String usageDate, String region, String serviceCode, String usageType, BigDecimal usageCost,
           BigDecimal usageQuantity) {
}
