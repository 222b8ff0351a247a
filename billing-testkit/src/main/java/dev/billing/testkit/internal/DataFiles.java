package dev.billing.testkit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.billing.testkit.SimulatorData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads {@link SimulatorData} from JSON or CSV files. */
public final class DataFiles {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final List<String> CSV_HEADER = List.of("account", "currency", "date", "service", "region",
            "usageType", "instanceType", "cost", "quantity");

    private DataFiles() {
    }

    /**
     * @param file a {@code .json} or {@code .csv} file
     * @return its data
     */
    public static SimulatorData load(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (name.endsWith(".json")) {
                return json(file, text);
            }
            if (name.endsWith(".csv")) {
                return csv(file, text);
            }
            throw new IllegalArgumentException(file + ": unknown data file type; use a .json or .csv file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read data file " + file + ": " + e.getMessage(), e);
        }
    }

    private static SimulatorData json(Path file, String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new IllegalArgumentException(file + ": invalid JSON at line " + (loc == null ? "?" : loc.getLineNr())
                    + ", column " + (loc == null ? "?" : loc.getColumnNr()) + ": " + e.getOriginalMessage());
        }
        Map<String, String> currencies = new LinkedHashMap<>();
        for (JsonNode a : root.path("accounts")) {
            currencies.put(text(file, a, "id", "accounts"), text(file, a, "currency", "accounts"));
        }
        List<SimulatorData.ApiUser> users = new ArrayList<>();
        for (JsonNode u : root.path("users")) {
            Set<String> linked = new LinkedHashSet<>();
            u.path("accounts").forEach(n -> linked.add(n.asText()));
            users.add(new SimulatorData.ApiUser(text(file, u, "email", "users"), text(file, u, "key", "users"), linked));
        }
        List<SimulatorData.Row> rows = new ArrayList<>();
        int i = 0;
        for (JsonNode r : root.path("rows")) {
            String where = "rows[" + i++ + "]";
            rows.add(new SimulatorData.Row(text(file, r, "account", where), date(file, text(file, r, "date", where), where),
                    optional(r, "region"), text(file, r, "service", where), optional(r, "usageType"),
                    optional(r, "instanceType"), decimal(file, r.path("cost").asText(null), where + ".cost"),
                    optionalDecimal(file, optional(r, "quantity"), where + ".quantity")));
        }
        return SimulatorData.of(currencies, users, rows);
    }

    private static SimulatorData csv(Path file, String text) {
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !List.of(lines.get(0).trim().split(",", -1)).equals(CSV_HEADER)) {
            throw new IllegalArgumentException(file + ": line 1 must be the header " + String.join(",", CSV_HEADER));
        }
        Map<String, String> currencies = new LinkedHashMap<>();
        List<SimulatorData.Row> rows = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank()) {
                continue;
            }
            String where = "line " + (n + 1);
            String[] f = line.split(",", -1);
            if (f.length != CSV_HEADER.size()) {
                throw new IllegalArgumentException(file + ": " + where + " has " + f.length + " fields, expected "
                        + CSV_HEADER.size());
            }
            String previous = currencies.putIfAbsent(f[0], f[1]);
            if (previous != null && !previous.equals(f[1])) {
                throw new IllegalArgumentException(file + ": " + where + " gives account " + f[0] + " currency "
                        + f[1] + " but an earlier line gave " + previous);
            }
            rows.add(new SimulatorData.Row(f[0], date(file, f[2], where), empty(f[4]), f[3], empty(f[5]), empty(f[6]),
                    decimal(file, f[7], where + " cost"), optionalDecimal(file, empty(f[8]), where + " quantity")));
        }
        return SimulatorData.of(currencies, List.of(), rows);
    }

    private static String text(Path file, JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.asText().isBlank()) {
            throw new IllegalArgumentException(file + ": " + where + "." + field + " is missing");
        }
        return v.asText();
    }

    private static String optional(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.isNumber() ? v.decimalValue().toPlainString() : v.asText();
    }

    private static String empty(String s) {
        return s.isEmpty() ? null : s;
    }

    private static LocalDate date(Path file, String text, String where) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(file + ": " + where + " date '" + text + "' is not YYYY-MM-DD");
        }
    }

    private static BigDecimal decimal(Path file, String text, String where) {
        if (text == null) {
            throw new IllegalArgumentException(file + ": " + where + " is missing");
        }
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": " + where + " '" + text + "' is not a decimal number");
        }
    }

    private static BigDecimal optionalDecimal(Path file, String text, String where) {
        return text == null ? null : decimal(file, text, where);
    }
}
