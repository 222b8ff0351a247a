package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Currency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExchangeRatesTest {
    private static final Currency USD = Currency.getInstance("USD");
    private static final Currency KRW = Currency.getInstance("KRW");
    private static final Currency EUR = Currency.getInstance("EUR");

    private static ExchangeRates csv(String text) {
        return ExchangeRates.readCsv(new StringReader(text), "rates.csv");
    }

    @Test
    void aRowAppliesFromItsDateUntilTheNextRowOfThePair() {
        ExchangeRates rates = csv("date,from,to,rate\n2026-01-01,USD,KRW,1350.2\n2026-01-15,USD,KRW,1400\n"
                + "2026-01-10,EUR,KRW,1500\n");

        assertThat(rates.rate(USD, KRW, LocalDate.of(2026, 1, 1)).rate()).isEqualByComparingTo("1350.2");
        assertThat(rates.rate(USD, KRW, LocalDate.of(2026, 1, 14)).rate()).isEqualByComparingTo("1350.2");
        ExchangeRate mid = rates.rate(USD, KRW, LocalDate.of(2026, 1, 15));
        assertThat(mid.rate()).isEqualByComparingTo("1400");
        assertThat(mid.date()).isEqualTo(LocalDate.of(2026, 1, 15));
        assertThat(mid.source()).isEqualTo("rates.csv line 3");
        assertThat(rates.rate(USD, KRW, LocalDate.of(2027, 6, 1)).rate()).isEqualByComparingTo("1400");
        assertThat(rates.rate(EUR, KRW, LocalDate.of(2026, 1, 10)).rate()).isEqualByComparingTo("1500");
    }

    @Test
    void aRateIsNeverInvertedOrChainedAndADayBeforeThePairsFirstRowHasNone() {
        ExchangeRates rates = ExchangeRates.of(ExchangeRate.of("USD", "KRW", LocalDate.of(2026, 1, 1), "1350"),
                ExchangeRate.of("EUR", "USD", LocalDate.of(2026, 1, 1), "1.1"));

        assertThatThrownBy(() -> rates.rate(KRW, USD, LocalDate.of(2026, 2, 1)))
                .isInstanceOfSatisfying(MissingExchangeRateException.class, e -> {
                    assertThat(e.from()).isEqualTo(KRW);
                    assertThat(e.to()).isEqualTo(USD);
                    assertThat(e.date()).isEqualTo(LocalDate.of(2026, 2, 1));
                })
                .hasMessageContaining("KRW to USD").hasMessageContaining("2026-02-01").hasMessageContaining("no KRW to USD row");
        assertThatThrownBy(() -> rates.rate(EUR, KRW, LocalDate.of(2026, 2, 1)))
                .isInstanceOf(MissingExchangeRateException.class).hasMessageContaining("EUR to KRW");
        assertThatThrownBy(() -> rates.rate(USD, KRW, LocalDate.of(2025, 12, 31)))
                .isInstanceOf(MissingExchangeRateException.class)
                .hasMessageContaining("2025-12-31").hasMessageContaining("first rate is dated 2026-01-01");
    }

    @Test
    void headerCaseQuotesBlankLinesAByteOrderMarkAndLowerCaseCodesAreAccepted() {
        ExchangeRates rates = csv("\uFEFFDate, From ,TO,Rate\r\n\r\n\"2026-01-01\",\"usd\",krw, 1350.25 \r\n"
                + "2026-01-01,KRW,KRW,1\n");

        assertThat(rates.rate(USD, KRW, LocalDate.of(2026, 3, 1)).rate()).isEqualByComparingTo("1350.25");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "date,from,to,rate\\n2026-01-01,USD,KRW|line 2: has 3 fields",
        "date,from,to,rate\\n2026-13-01,USD,KRW,1|line 2: date '2026-13-01' is not YYYY-MM-DD",
        "date,from,to,rate\\n2026-01-01,USD,KRW,1\\n2026-01-02,US,KRW,1|line 3: 'US' is not an ISO 4217",
        "date,from,to,rate\\n2026-01-01,USD,XYZ,1|line 2: 'XYZ' is not an ISO 4217",
        "date,from,to,rate\\n2026-01-01,USD,KRW,1e|line 2: rate '1e' is not a decimal",
        "date,from,to,rate\\n2026-01-01,USD,KRW,0|line 2: rate 0 must be positive",
        "date,from,to,rate\\n2026-01-01,USD,KRW,-3|line 2: rate -3 must be positive",
        "date,from,to,rate\\n2026-01-01,USD,USD,2|line 2: converts USD to itself",
        "date,from,to,rate\\n\\n2026-01-01,USD,KRW,1300\\n2026-01-01,USD,KRW,1400|line 4: a second USD to KRW rate for 2026-01-01",
        "from,to,rate\\n2026-01-01,USD,KRW,1|line 1: must be the header date,from,to,rate",
        "|rates.csv is empty",
    })
    void aBadFileNamesTheLine(String text, String expected) {
        assertThatThrownBy(() -> csv(text == null ? "" : text.replace("\\n", "\n")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("rates.csv")
                .hasMessageContaining(expected);
    }

    @Test
    void theSameRowTwiceIsOneRow(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rates.csv");
        Files.writeString(file, "date,from,to,rate\n2026-01-01,USD,KRW,1300\n2026-01-01,USD,KRW,1300.0\n");

        ExchangeRate r = ExchangeRates.readCsv(file).rate(USD, KRW, LocalDate.of(2026, 1, 2));

        assertThat(r.rate()).isEqualByComparingTo("1300");
        assertThat(r.source()).isEqualTo(file + " line 2");
    }

    @Test
    void aMissingFileIsAnInvalidRequestNamingIt(@TempDir Path dir) {
        Path file = dir.resolve("nope.csv");

        assertThatThrownBy(() -> ExchangeRates.readCsv(file)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void aRowValidatesItself() {
        assertThatThrownBy(() -> ExchangeRate.of("USD", "USD", LocalDate.of(2026, 1, 1), "1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExchangeRate.of("USD", "KRW", LocalDate.of(2026, 1, 1), "-1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExchangeRates.of(ExchangeRate.of("USD", "KRW", LocalDate.of(2026, 1, 1), "1"),
                ExchangeRate.of("USD", "KRW", LocalDate.of(2026, 1, 1), "2"))).isInstanceOf(IllegalArgumentException.class);
    }
}
