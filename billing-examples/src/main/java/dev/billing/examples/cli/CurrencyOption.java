package dev.billing.examples.cli;

import dev.billing.core.CostQuery;
import dev.billing.core.ExchangeRates;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.MissingExchangeRateException;
import dev.billing.core.Money;
import java.nio.file.Path;
import java.util.Currency;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** The {@code --currency CUR --rates FILE} options: converted totals, with the rates of a CSV file. */
final class CurrencyOption {
    @Option(names = "--currency", paramLabel = "CUR",
            description = "Also convert every amount into this ISO 4217 currency (needs --rates): each line item at the"
                    + " rate for its own day, the exact products summed exactly.")
    private String currency;

    @Option(names = "--rates", paramLabel = "FILE",
            description = "The exchange rates: CSV with the header date,from,to,rate; one 'from' is worth 'rate'"
                    + " 'to' from 'date' (UTC) until the pair's next row. Never inverted or chained; never fetched"
                    + " from the network.")
    private Path rates;

    /**
     * @return the conversion of {@code --currency} and {@code --rates}, empty when neither is given
     * @throws CliException (exit 2) when only one is given, the currency is unknown or the rates file is not valid
     */
    Optional<CostQuery.Conversion> conversion() {
        if (currency == null && rates == null) {
            return Optional.empty();
        }
        if (currency == null || rates == null) {
            throw CliException.usage(currency == null ? "--rates converts into a currency: add --currency CUR"
                    : "--currency " + currency + " needs exchange rates: add --rates FILE (CSV date,from,to,rate)");
        }
        return Optional.of(new CostQuery.Conversion(currency(), rates().orElseThrow()));
    }

    /**
     * @return the reporting currency of {@code --currency}, if given
     * @throws CliException (exit 2) when it is not an ISO 4217 code
     */
    Optional<Currency> currencyGiven() {
        return currency == null ? Optional.empty() : Optional.of(currency());
    }

    /**
     * @return the rates of {@code --rates}, if given
     * @throws CliException (exit 2) naming the file and line when the file is not a valid rates file
     */
    Optional<ExchangeRates> rates() {
        if (rates == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ExchangeRates.readCsv(rates));
        } catch (InvalidRequestException e) {
            throw CliException.usage("--rates: " + e.getMessage());
        }
    }

    private Currency currency() {
        try {
            return Money.currency(currency);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--currency '" + currency + "' is not an ISO 4217 currency code such as USD");
        }
    }

    /**
     * Runs work that converts with the rates of {@code --rates}.
     *
     * @param work the work
     * @return its result
     * @throws CliException (exit 2) naming the rates file, the pair and the day when a rate is missing
     */
    <T> T converting(Supplier<T> work) {
        try {
            return work.get();
        } catch (MissingExchangeRateException e) {
            throw CliException.usage("--rates " + rates + ": " + e.getMessage());
        }
    }
}
