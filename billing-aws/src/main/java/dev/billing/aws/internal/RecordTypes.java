package dev.billing.aws.internal;

import dev.billing.core.ChargeCategory;
import java.util.Locale;
import java.util.Map;

/**
 * Maps Cost Explorer {@code RECORD_TYPE} values to charge categories, as AWS defines each line item type
 * (AWS Data Exports user guide, "Line item details", {@code lineItem/LineItemType}:
 * https://docs.aws.amazon.com/cur/latest/userguide/Lineitem-columns.html) and as FOCUS defines the
 * categories (FOCUS 1.0 {@code ChargeCategory}: Usage, Purchase, Tax, Credit, Adjustment):
 * <ul>
 *   <li>{@code Usage}; {@code DiscountedUsage} ("the cost of any instances that had Reserved Instance benefits
 *       applied"); {@code SavingsPlanCoveredUsage} (usage a Savings Plan covers, at its On-Demand cost) and
 *       {@code SavingsPlanNegation} (the offset of that On-Demand cost through the Savings Plan benefit): usage
 *       a commitment covers is still usage;</li>
 *   <li>{@code Fee} (upfront fees), {@code RIFee} (a reservation's recurring fee), {@code SavingsPlanRecurringFee},
 *       {@code SavingsPlanUpfrontFee}: the purchase of a commitment or subscription;</li>
 *   <li>{@code Tax}; {@code Credit} and {@code Refund} (money given back: FOCUS {@code Credit}); the negotiated discounts ({@code EdpDiscount},
 *       {@code PrivateRateDiscount}, {@code BundledDiscount}, {@code SppDiscount}, {@code DistributorDiscount})
 *       as credits.</li>
 * </ul>
 * Cost Explorer also names some types in words ({@code Recurring reservation fee}, {@code Savings Plan
 * Covered Usage}, {@code Enterprise Discount Program Discount}): spaces and case are ignored. A type not
 * known here is usage.
 */
public final class RecordTypes {
    private static final Map<String, ChargeCategory> BY_TYPE = Map.ofEntries(
            Map.entry("usage", ChargeCategory.USAGE),
            Map.entry("discountedusage", ChargeCategory.USAGE),
            Map.entry("savingsplancoveredusage", ChargeCategory.USAGE),
            Map.entry("savingsplannegation", ChargeCategory.USAGE),
            Map.entry("fee", ChargeCategory.PURCHASE),
            Map.entry("rifee", ChargeCategory.PURCHASE),
            Map.entry("recurringreservationfee", ChargeCategory.PURCHASE),
            Map.entry("upfrontreservationfee", ChargeCategory.PURCHASE),
            Map.entry("savingsplanrecurringfee", ChargeCategory.PURCHASE),
            Map.entry("savingsplanupfrontfee", ChargeCategory.PURCHASE),
            Map.entry("supportfee", ChargeCategory.PURCHASE),
            Map.entry("tax", ChargeCategory.TAX),
            Map.entry("credit", ChargeCategory.CREDIT),
            Map.entry("refund", ChargeCategory.CREDIT));

    private RecordTypes() {
    }

    /**
     * @param recordType a {@code RECORD_TYPE} value, for example {@code DiscountedUsage} or {@code Recurring reservation fee}
     * @return its charge category; {@link ChargeCategory#USAGE} for a type not known here
     */
    public static ChargeCategory category(String recordType) {
        String t = recordType.replace(" ", "").toLowerCase(Locale.ROOT);
        ChargeCategory c = BY_TYPE.get(t);
        if (c != null) {
            return c;
        }
        return t.endsWith("discount") ? ChargeCategory.CREDIT : ChargeCategory.USAGE;
    }
}
