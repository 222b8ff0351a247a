package dev.billing.focus.internal;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads one FOCUS CSV file (plain, or gzip-compressed: recognised by its magic bytes, whatever its
 * name) a row at a time. Columns are found by name in any order; the names of FOCUS 1.0 to 1.2
 * and the older names they replaced are mapped to one canonical name each. Every problem is a
 * {@link FocusFileException} naming the file, the line and the column.
 */
public final class FocusFileReader implements Closeable {
    /** Columns every FOCUS version from 1.0 to 1.2 makes Mandatory, and the import needs. */
    public static final List<String> REQUIRED = List.of("BilledCost", "BillingAccountId", "BillingCurrency",
            "ChargeCategory", "ChargePeriodStart", "ServiceName");

    /** The columns read: canonical (FOCUS 1.2) name, then older names mapped to it. */
    private static final Map<String, List<String>> NAMES = names();

    private final Path file;
    private final CsvReader csv;
    private final Map<String, Integer> index = new HashMap<>();
    private final int width;
    private List<String> row;

    private static Map<String, List<String>> names() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String c : REQUIRED) {
            m.put(c, List.of());
        }
        m.put("ChargeClass", List.of());
        // FOCUS 1.0-preview: Refund and Credit were ChargeSubcategory values before ChargeClass and the Credit category
        m.put("ChargeSubcategory", List.of());
        m.put("ChargeDescription", List.of());
        // FOCUS 1.0 renamed Region to RegionId and UsageQuantity to ConsumedQuantity
        m.put("RegionId", List.of("Region"));
        m.put("ConsumedQuantity", List.of("UsageQuantity"));
        m.put("SubAccountId", List.of());
        m.put("EffectiveCost", List.of());
        m.put("ListCost", List.of());
        m.put("Tags", List.of());
        return Map.copyOf(m);
    }

    /** A malformed file: the message starts with {@code file:line:column}. */
    public static final class FocusFileException extends IOException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message the whole message
         * @param cause the underlying failure, or {@code null}
         */
        public FocusFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private FocusFileReader(Path file, CsvReader csv) throws IOException {
        this.file = file;
        this.csv = csv;
        List<String> header = read();
        if (header == null) {
            throw new FocusFileException(file + ":1:1: the file is empty; a FOCUS CSV file starts with a header line"
                    + " naming its columns", null);
        }
        width = header.size();
        Map<String, String> canonical = new HashMap<>();
        NAMES.forEach((name, aliases) -> {
            canonical.put(name.toLowerCase(Locale.ROOT), name);
            aliases.forEach(a -> canonical.put(a.toLowerCase(Locale.ROOT), name));
        });
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).trim();
            Integer before = seen.put(name.toLowerCase(Locale.ROOT), i);
            if (before != null) {
                throw new FocusFileException(where(1, i) + "the header names column '" + name + "' twice (columns "
                        + (before + 1) + " and " + (i + 1) + ")", null);
            }
            String c = canonical.get(name.toLowerCase(Locale.ROOT));
            if (c != null && index.putIfAbsent(c, i) != null) {
                throw new FocusFileException(where(1, i) + "the header has both '" + header.get(index.get(c)).trim()
                        + "' and '" + name + "', two names of one FOCUS column", null);
            }
        }
        List<String> missing = new ArrayList<>();
        for (String c : REQUIRED) {
            if (!index.containsKey(c)) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            throw new FocusFileException(file + ":1:1: the header lacks the FOCUS column" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + "; is this a FOCUS 1.0-1.2 CSV file? (header: "
                    + abbreviate(String.join(",", header)) + ")", null);
        }
    }

    /**
     * @param file a FOCUS CSV file, plain or gzip-compressed
     * @return the reader, positioned after the header
     * @throws FocusFileException when the header is missing, malformed or lacks a required column
     * @throws IOException when the file cannot be read
     */
    public static FocusFileReader open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
        try {
            in.mark(2);
            int b1 = in.read();
            int b2 = in.read();
            in.reset();
            if (b1 == 0x1f && b2 == 0x8b) {
                try {
                    in = new GZIPInputStream(in, 64 * 1024);
                } catch (java.util.zip.ZipException | java.io.EOFException e) {
                    throw new FocusFileException(file + ": the gzip data is corrupt or truncated before the header line"
                            + " was read (" + e.getMessage() + "); export or copy the file again", e);
                }
            }
            InputStreamReader text = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
            return new FocusFileReader(file, new CsvReader(text));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private List<String> read() throws IOException {
        try {
            return csv.next();
        } catch (CsvReader.CsvException e) {
            throw new FocusFileException(file + ":" + e.line() + ":" + e.column() + ": malformed CSV: " + e.getMessage(), e);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new FocusFileException(file + ": line " + csv.recordLine() + " or the next is not UTF-8 text", e);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new FocusFileException(file + ": the gzip data is corrupt or truncated "
                    + (csv.recordLine() < 1 ? "before the header line was read" : "near line " + csv.recordLine())
                    + " (" + e.getMessage() + "); export or copy the file again", e);
        }
    }

    /**
     * @return whether a row was read; blank lines are skipped
     * @throws FocusFileException when the row is malformed CSV or has another number of fields than the header
     * @throws IOException when reading fails
     */
    public boolean next() throws IOException {
        while (true) {
            row = read();
            if (row == null) {
                return false;
            }
            if (row.size() == 1 && row.get(0).isEmpty() && width > 1) {
                continue;
            }
            if (row.size() != width) {
                throw new FocusFileException(file + ":" + csv.recordLine() + ":" + Math.min(row.size(), width) + ": the row has "
                        + row.size() + " fields, the header " + width + " (a value with a comma must be quoted)", null);
            }
            return true;
        }
    }

    /**
     * @param column a canonical column name, for example {@code RegionId}
     * @return whether the file has that column (under any of its names)
     */
    public boolean has(String column) {
        return index.containsKey(column);
    }

    /**
     * @param column a canonical column name
     * @return the current row's value, trimmed; {@code null} when empty or when the file lacks the column
     */
    public String get(String column) {
        Integer i = index.get(column);
        if (i == null) {
            return null;
        }
        String v = row.get(i).trim();
        return v.isEmpty() ? null : v;
    }

    /**
     * @param column a canonical column name the file has
     * @param problem what is wrong with its value in the current row
     * @return an exception whose message starts with {@code file:line:column}
     */
    public FocusFileException malformed(String column, String problem) {
        int i = index.getOrDefault(column, 0);
        return new FocusFileException(where(csv.recordLine(), i) + "column " + column + ": " + problem, null);
    }

    private String where(long line, int columnIndex) {
        return file + ":" + line + ":" + (columnIndex + 1) + ": ";
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** @return the file */
    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        csv.close();
    }
}
