package dev.billing.focus;

import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 4180 parser for assertions, written apart from the module's reader so that a test does
 * not check the writer with code of the same module. Whole text in memory: tests only.
 */
final class TestCsv {
    private TestCsv() {
    }

    /** @return the records of {@code text}; each record ends with CRLF */
    static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i += 2;
                    continue;
                }
                if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
                i++;
                continue;
            }
            if (c == '"') {
                if (field.length() != 0) {
                    throw new AssertionError("quote inside an unquoted field at " + i);
                }
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\r') {
                if (i + 1 >= text.length() || text.charAt(i + 1) != '\n') {
                    throw new AssertionError("CR without LF at " + i);
                }
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                i++;
            } else if (c == '\n') {
                throw new AssertionError("LF without CR at " + i + ": RFC 4180 records end with CRLF");
            } else {
                field.append(c);
            }
            i++;
        }
        if (quoted || field.length() != 0 || !record.isEmpty()) {
            throw new AssertionError("the text does not end with a complete record");
        }
        return records;
    }
}
