package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Currency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MoneyTest {

    @Test
    void plus_sameCurrency_addsExactly() {
        Money sum = Money.of("0.1", "USD").plus(Money.of("0.2000000001", "USD"));

        assertThat(sum.amount()).isEqualByComparingTo("0.3000000001");
        assertThat(sum.currency()).isEqualTo(Currency.getInstance("USD"));
    }

    @Test
    void plus_differentCurrencies_throwsNamingBothAndThatTotalsArePerCurrency() {
        assertThatThrownBy(() -> Money.of("1", "USD").plus(Money.of("1", "EUR")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot add EUR to USD")
                .hasMessageContaining("totals are kept per currency");
    }

    @Test
    void equals_comparesNumericallyAndHashCodeAgrees() {
        Money a = Money.of("1.5", "USD");
        Money b = Money.of("1.500", "USD");

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(Money.of("0", "USD")).isEqualTo(Money.of("0.000", "USD")).hasSameHashCodeAs(Money.zero(
                Currency.getInstance("USD")));
        assertThat(Money.of("100", "USD")).isEqualTo(Money.of("1E+2", "USD")).hasSameHashCodeAs(Money.of("1E+2", "USD"));
        assertThat(a).isNotEqualTo(Money.of("1.5", "EUR")).isNotEqualTo(Money.of("1.51", "USD"));
    }

    @ParameterizedTest
    @CsvSource({
            "2.345, USD, 2.34 USD",
            "2.355, USD, 2.36 USD",
            "-2.345, USD, -2.34 USD",
            "2.5, JPY, 2 JPY",
            "3.5, JPY, 4 JPY",
            "1.0005, BHD, 1.000 BHD",
            "12.3456789012, EUR, 12.35 EUR",
            "1E+3, USD, 1000.00 USD"
    })
    void format_roundsHalfEvenToTheCurrencysDigits(String amount, String currency, String expected) {
        assertThat(Money.of(amount, currency).format()).isEqualTo(expected);
    }

    @Test
    void toString_keepsTheExactAmount() {
        assertThat(Money.of("12.3456789012", "USD")).hasToString("12.3456789012 USD");
    }

    @Test
    void negateIsZeroAndCompareTo_behaveNumerically() {
        Money m = Money.of("-3.10", "USD");

        assertThat(m.negate()).isEqualTo(Money.of("3.1", "USD"));
        assertThat(m.plus(m.negate()).isZero()).isTrue();
        assertThat(Money.of("2", "USD")).isGreaterThan(Money.of("1.99", "USD"));
        assertThat(Money.of("100", "EUR")).isLessThan(Money.of("1", "USD"));
    }

    @Test
    void of_unknownCurrencyOrMalformedAmount_saysWhatToGive() {
        assertThatThrownBy(() -> Money.of("1", "XYZ"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown currency code 'XYZ': use an ISO 4217 code such as USD");
        assertThatThrownBy(() -> Money.of("1,5", "USD"))
                .isInstanceOf(NumberFormatException.class)
                .hasMessage("amount '1,5' is not a decimal number such as 12.345");
    }

    @Test
    void constructor_rejectsMissingParts() {
        assertThatThrownBy(() -> new Money(null, Currency.getInstance("USD"))).hasMessageContaining("amount");
        assertThatThrownBy(() -> new Money(BigDecimal.ONE, null)).hasMessageContaining("currency");
    }
}
