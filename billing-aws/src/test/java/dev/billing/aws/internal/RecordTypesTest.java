package dev.billing.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.ChargeCategory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every RECORD_TYPE as AWS defines its line item type (see {@link RecordTypes}). */
class RecordTypesTest {
    @ParameterizedTest
    @CsvSource({"Usage,USAGE", "DiscountedUsage,USAGE", "Discounted Usage,USAGE", "SavingsPlanCoveredUsage,USAGE",
            "Savings Plan Covered Usage,USAGE", "SavingsPlanNegation,USAGE", "Savings Plan Negation,USAGE",
            "Fee,PURCHASE", "RIFee,PURCHASE", "Recurring reservation fee,PURCHASE", "Upfront reservation fee,PURCHASE",
            "SavingsPlanRecurringFee,PURCHASE", "SavingsPlanUpfrontFee,PURCHASE", "Support fee,PURCHASE", "Tax,TAX", "Credit,CREDIT",
            "Refund,CREDIT", "EdpDiscount,CREDIT", "Enterprise Discount Program Discount,CREDIT", "PrivateRateDiscount,CREDIT",
            "BundledDiscount,CREDIT", "SppDiscount,CREDIT", "Solution Provider Program Discount,CREDIT",
            "DistributorDiscount,CREDIT", "SomethingNew,USAGE"})
    void category(String recordType, ChargeCategory expected) {
        assertThat(RecordTypes.category(recordType)).isEqualTo(expected);
    }
}
