package dev.billing.core;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Currency;
import java.util.List;

/**
 * Exchange rates for converting reports into one currency: for a currency pair and a day, the rate in effect
 * and where it comes from. The SDK never fetches rates from the network: a host passes the rates it trusts
 * (a central bank's reference rates, its finance team's month-end rates, ...).
 *
 * <p>A line item dated D in currency F converts into T with the (F, T) row of the latest date on or before D;
 * the same currency converts at 1. Rates are never inverted (no T to F from F to T) or chained (no F to T
 * through USD): a missing pair is a {@link MissingExchangeRateException}.
 *
 * <pre>{@code
 * ExchangeRates rates = ExchangeRates.of(
 *         ExchangeRate.of("KRW", "USD", LocalDate.of(2026, 1, 1), "0.00074"),
 *         ExchangeRate.of("EUR", "USD", LocalDate.of(2026, 1, 1), "1.09"));
 * }</pre>
 */
@FunctionalInterface
public interface ExchangeRates {

    /**
     * @param from the line item's currency
     * @param to the reporting currency, not {@code from}
     * @param date the line item's day
     * @return the (from, to) row of the latest date on or before {@code date}
     * @throws MissingExchangeRateException when there is none
     */
    ExchangeRate rate(Currency from, Currency to, LocalDate date);

    /**
     * A fixed table.
     *
     * @param rows the rows, in any order
     * @return the rates
     * @throws IllegalArgumentException when two rows give the same pair and date different rates
     */
    static ExchangeRates of(Collection<ExchangeRate> rows) {
        return RateTable.of(rows);
    }

    /**
     * @param rows the rows, in any order
     * @return the rates of a fixed table
     * @throws IllegalArgumentException when two rows give the same pair and date different rates
     */
    static ExchangeRates of(ExchangeRate... rows) {
        return of(List.of(rows));
    }

    /**
     * Reads a rates file: CSV in UTF-8 with the header {@code date,from,to,rate}, then one row per line, for
     * example {@code 2026-01-01,USD,KRW,1350.2} (one USD is worth 1350.2 KRW from 2026-01-01 until the next
     * USD,KRW row). Blank lines are skipped, fields may be quoted, currency codes are ISO 4217 in any case; a
     * row converting a currency to itself must have rate 1 and is ignored.
     *
     * @param file the file
     * @return its rates; each row's source is {@code "<file> line <n>"}
     * @throws InvalidRequestException naming the file and line when the file cannot be read, lacks the header,
     *     or a line is not a valid row (a bad date, an unknown currency, a rate that is not a positive
     *     decimal, the same pair and date twice with different rates)
     */
    static ExchangeRates readCsv(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return readCsv(reader, file.toString());
        } catch (IOException e) {
            throw new InvalidRequestException("cannot read the rates file " + file + ": " + e);
        }
    }

    /**
     * @param csv the CSV text, as {@link #readCsv(Path)} describes it
     * @param name what to call it in messages and in each row's source, such as a file name
     * @return its rates
     * @throws InvalidRequestException naming the line when the text is not a valid rates file
     * @throws java.io.UncheckedIOException when the reader fails
     */
    static ExchangeRates readCsv(Reader csv, String name) {
        return RatesCsv.read(csv, name);
    }
}
