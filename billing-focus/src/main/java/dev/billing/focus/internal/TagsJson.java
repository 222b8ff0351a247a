package dev.billing.focus.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * Parses FOCUS's {@code Tags} column: KeyValueFormat, "a serialized JSON string, consistent with the
 * ECMA 404 definition of an object", keys unique, values a number, a string, {@code true},
 * {@code false} or {@code null}, never an object or an array (FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec,
 * specification/attributes/key_value_format.md). A string or number value is kept as its text,
 * {@code true}/{@code false} as that word (FOCUS gives a valueless tag the value {@code true}); a key
 * whose value is {@code null} is left out (the line item is untagged for that key).
 */
public final class TagsJson {
    private final String text;
    private int pos;

    private TagsJson(String text) {
        this.text = text;
    }

    /** A malformed Tags value; the message says what and at which character. */
    public static final class MalformedTagsException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedTagsException(String message) {
            super(message);
        }
    }

    /**
     * @param text the column's value
     * @return the tags, unmodifiable
     * @throws MalformedTagsException when it is not a JSON object of scalar values with unique keys
     */
    public static Map<String, String> parse(String text) throws MalformedTagsException {
        return new TagsJson(text).object();
    }

    private Map<String, String> object() throws MalformedTagsException {
        skipSpace();
        expect('{');
        Map<String, String> tags = new HashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
        } else {
            while (true) {
                skipSpace();
                int at = pos;
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                String value = value();
                if (tags.containsKey(key)) {
                    throw error(at, "the key \"" + abbreviate(key) + "\" appears twice (FOCUS keys are unique)");
                }
                tags.put(key, value);
                skipSpace();
                char c = next("',' or '}'");
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw error(pos - 1, "expected ',' or '}'");
                }
            }
        }
        skipSpace();
        if (pos < text.length()) {
            throw error(pos, "text after the object");
        }
        tags.values().removeIf(v -> v == null);
        return Map.copyOf(tags);
    }

    private String value() throws MalformedTagsException {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '{' || c == '[') {
            throw error(pos, "a tag value is an object or an array; FOCUS allows a string, a number, true, false or null");
        }
        int start = pos;
        while (pos < text.length() && "-+.eE0123456789truefalsn".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        String word = text.substring(start, pos);
        switch (word) {
            case "true", "false" -> {
                return word;
            }
            case "null" -> {
                return null;
            }
            default -> {
                if (word.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
                    return word;
                }
                throw error(start, "expected a string, a number, true, false or null");
            }
        }
    }

    private String string() throws MalformedTagsException {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = next("a closing '\"'");
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw error(pos - 1, "a control character inside a string must be escaped");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = next("an escape");
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error(pos, "\\u needs four hex digits");
                    }
                    try {
                        b.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error(pos, "\\u needs four hex digits");
                    }
                    pos += 4;
                }
                default -> throw error(pos - 1, "'\\" + e + "' is not a JSON escape");
            }
        }
    }

    private void skipSpace() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private char peek() throws MalformedTagsException {
        if (pos >= text.length()) {
            throw error(pos, "the value ends too early");
        }
        return text.charAt(pos);
    }

    private char next(String expected) throws MalformedTagsException {
        if (pos >= text.length()) {
            throw error(pos, "the value ends where " + expected + " was expected");
        }
        return text.charAt(pos++);
    }

    private void expect(char c) throws MalformedTagsException {
        if (next("'" + c + "'") != c) {
            throw error(pos - 1, "expected '" + c + "'");
        }
    }

    private MalformedTagsException error(int at, String problem) {
        return new MalformedTagsException("not a FOCUS KeyValueFormat JSON object: " + problem + " at character "
                + (at + 1) + " of '" + abbreviate(text) + "'");
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
