package dev.billing.focus.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A streaming RFC 4180 reader: one record at a time, quoted fields (with commas, doubled quotes
 * and line breaks inside), CRLF, LF or CR line ends, a UTF-8 byte order mark skipped. It keeps one
 * record in memory, never the file. Fields and records are bounded, so a file that is not CSV
 * fails instead of filling memory.
 */
public final class CsvReader implements Closeable {
    /** The longest field accepted, in characters. */
    public static final int MAX_FIELD = 1 << 20;
    /** The most fields a record may have. */
    public static final int MAX_FIELDS = 10_000;

    private final Reader in;
    private final char[] buffer = new char[64 * 1024];
    private int pos;
    private int limit;
    private boolean eof;
    private long line = 1;
    private long recordLine;
    private boolean first = true;

    /** A malformed record: where it is and what is wrong. */
    public static final class CsvException extends IOException {
        private static final long serialVersionUID = 1L;
        private final long line;
        private final int column;

        CsvException(long line, int column, String message) {
            super(message);
            this.line = line;
            this.column = column;
        }

        /** @return the line (1-based) where the problem is */
        public long line() {
            return line;
        }

        /** @return the field number (1-based) where the problem is */
        public int column() {
            return column;
        }
    }

    /** @param in the text; closed by {@link #close()} */
    public CsvReader(Reader in) {
        this.in = in;
    }

    /** @return the line (1-based) the last record returned by {@link #next()} starts on */
    public long recordLine() {
        return recordLine;
    }

    private int read() throws IOException {
        if (pos == limit) {
            if (eof) {
                return -1;
            }
            int n = in.read(buffer, 0, buffer.length);
            if (n <= 0) {
                eof = true;
                return -1;
            }
            pos = 0;
            limit = n;
        }
        return buffer[pos++];
    }

    private int peek() throws IOException {
        int c = read();
        if (c != -1) {
            pos--;
        }
        return c;
    }

    /**
     * @return the next record's fields (an empty field, quoted or not, is {@code ""}), or
     *     {@code null} at the end; a blank line is a record of one empty field
     * @throws CsvException for an unterminated quote, text after a closing quote, or a field or
     *     record over the bounds
     * @throws IOException when reading fails
     */
    public List<String> next() throws IOException {
        int c = read();
        if (first) {
            first = false;
            if (c == '\uFEFF') {
                c = read();
            }
        }
        if (c == -1) {
            return null;
        }
        recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        while (true) {
            if (c == '"' && field.length() == 0) {
                long openLine = line;
                while (true) {
                    int q = read();
                    if (q == -1) {
                        throw new CsvException(openLine, fields.size() + 1,
                                "a quoted field opened on line " + openLine + " is never closed");
                    }
                    if (q == '"') {
                        if (peek() == '"') {
                            read();
                            append(field, '"', fields.size());
                            continue;
                        }
                        break;
                    }
                    if (q == '\n' || (q == '\r' && peek() != '\n')) {
                        line++;
                    }
                    append(field, (char) q, fields.size());
                }
                c = read();
                if (c != ',' && c != '\n' && c != '\r' && c != -1) {
                    throw new CsvException(line, fields.size() + 1,
                            "text after the closing quote of a quoted field (a quote inside a quoted field is"
                                    + " written twice: \"\")");
                }
                continue;
            }
            if (c == ',') {
                addField(fields, field);
                c = read();
                continue;
            }
            if (c == '\r' || c == '\n' || c == -1) {
                if (c == '\r' && peek() == '\n') {
                    read();
                }
                if (c != -1) {
                    line++;
                }
                addField(fields, field);
                return fields;
            }
            append(field, (char) c, fields.size());
            c = read();
        }
    }

    private void append(StringBuilder field, char c, int index) throws CsvException {
        if (field.length() >= MAX_FIELD) {
            throw new CsvException(line, index + 1, "a field longer than " + MAX_FIELD + " characters");
        }
        field.append(c);
    }

    private void addField(List<String> fields, StringBuilder field) throws CsvException {
        if (fields.size() >= MAX_FIELDS) {
            throw new CsvException(line, fields.size() + 1, "a record with more than " + MAX_FIELDS + " fields");
        }
        fields.add(field.toString());
        field.setLength(0);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
