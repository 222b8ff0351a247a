package dev.billing.aws.internal;

import dev.billing.core.ChargeCategory;
import java.util.Locale;

/** Maps Cost Explorer {@code RECORD_TYPE} values (Usage, Credit, Refund, Tax, fees, discounts ...) to charge categories. */
public final class RecordTypes {

    private RecordTypes() {
    }

    /**
     * @param recordType a {@code RECORD_TYPE} value, for example {@code Usage} or {@code Recurring reservation fee}
     * @return its charge category; {@link ChargeCategory#USAGE} for usage and for values not known here
     */
    public static ChargeCategory category(String recordType) {
        String t = recordType.toLowerCase(Locale.ROOT);
        if (t.contains("credit")) {
            return ChargeCategory.CREDIT;
        }
        if (t.contains("refund")) {
            return ChargeCategory.CREDIT;
        }
        if (t.contains("tax")) {
            return ChargeCategory.TAX;
        }
        if (t.contains("discount")) {
            return ChargeCategory.CREDIT;
        }
        if (t.contains("negation") || t.contains("adjustment")) {
            return ChargeCategory.ADJUSTMENT;
        }
        if (t.contains("fee") || t.contains("support") || t.contains("upfront") || t.contains("recurring")) {
            return ChargeCategory.PURCHASE;
        }
        return ChargeCategory.USAGE;
    }
}
