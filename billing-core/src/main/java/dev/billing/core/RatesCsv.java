package dev.billing.core;

import dev.billing.core.support.Bounds;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;

/** Reads the rates file format {@code date,from,to,rate}. */
final class RatesCsv {
    private static final int MAX_LINE = 1_000;

    private RatesCsv() {
    }

    static RateTable read(Reader csv, String name) {
        BufferedReader in = csv instanceof BufferedReader b ? b : new BufferedReader(csv);
        List<ExchangeRate> rows = new ArrayList<>();
        boolean header = false;
        int n = 0;
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                n++;
                if (n == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                if (line.length() > MAX_LINE) {
                    throw bad(name, n, "is longer than " + MAX_LINE + " characters");
                }
                List<String> fields = fields(line);
                if (!header) {
                    if (!fields.stream().map(f -> f.toLowerCase(Locale.ROOT)).toList()
                            .equals(List.of("date", "from", "to", "rate"))) {
                        throw bad(name, n, "must be the header date,from,to,rate, got '" + line.strip() + "'");
                    }
                    header = true;
                    continue;
                }
                ExchangeRate row = row(fields, name, n);
                if (row != null) {
                    rows.add(row);
                }
            }
        } catch (CharacterCodingException e) {
            throw bad(name, n + 1, "is not UTF-8 text: save the file as UTF-8");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the rates " + name, e);
        }
        if (!header) {
            throw new InvalidRequestException(name + " is empty: a rates file starts with the header date,from,to,rate");
        }
        try {
            return RateTable.of(rows);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    /** @return the row, or null for a currency converting to itself at 1 */
    private static ExchangeRate row(List<String> f, String name, int n) {
        if (f.size() != 4) {
            throw bad(name, n, "has " + f.size() + " fields, expected 4: date,from,to,rate");
        }
        LocalDate date;
        try {
            date = LocalDate.parse(f.get(0));
        } catch (DateTimeParseException e) {
            throw bad(name, n, "date '" + f.get(0) + "' is not YYYY-MM-DD");
        }
        Currency from = currency(f.get(1), name, n);
        Currency to = currency(f.get(2), name, n);
        BigDecimal rate;
        try {
            rate = Bounds.decimal(f.get(3));
        } catch (NumberFormatException e) {
            throw bad(name, n, "rate " + e.getMessage() + " (a decimal number such as 1350.2)");
        }
        if (rate.signum() <= 0) {
            throw bad(name, n, "rate " + f.get(3) + " must be positive");
        }
        if (from.equals(to)) {
            if (rate.compareTo(BigDecimal.ONE) != 0) {
                throw bad(name, n, "converts " + from + " to itself at " + f.get(3) + ": the same currency converts at 1");
            }
            return null;
        }
        return new ExchangeRate(from, to, date, rate, name + " line " + n);
    }

    private static Currency currency(String code, String name, int n) {
        try {
            return Money.currency(code);
        } catch (IllegalArgumentException e) {
            throw bad(name, n, "'" + code + "' is not an ISO 4217 currency code such as USD");
        }
    }

    /** Splits on commas; a field may be in double quotes; fields are trimmed. */
    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>(4);
        for (String raw : line.split(",", -1)) {
            String f = raw.strip();
            if (f.length() >= 2 && f.startsWith("\"") && f.endsWith("\"")) {
                f = f.substring(1, f.length() - 1).strip();
            }
            out.add(f);
        }
        return out;
    }

    private static InvalidRequestException bad(String name, int line, String problem) {
        return new InvalidRequestException(name + " line " + line + ": " + problem);
    }
}
