package dev.billing.dashboard.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A small streaming JSON writer, pretty-printed the way the {@code billing report --format json}
 * document has always been printed: objects open a line per field indented by two spaces per object
 * level, {@code "field": value}, arrays stay on their opening line ({@code [ {...}, {...} ]}), empty
 * containers are {@code [ ]} and {@code { }}, lines end with {@code \n}. Strings are escaped as JSON
 * requires: {@code "} and {@code \}, the short escapes {@code \b \t \n \f \r}, other control characters
 * as {@code backslash-u-00XX}; everything else is written as is.
 *
 * <p>Not thread-safe; the caller checks that every container it opens is closed.
 */
public final class JsonWriter {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final Appendable out;
    /** One entry per open container: how many values it holds so far; negative for arrays. */
    private final Deque<int[]> open = new ArrayDeque<>();
    private int objectDepth;
    private boolean afterName;

    /** @param out where to write */
    public JsonWriter(Appendable out) {
        this.out = out;
    }

    /** @return this writer, having opened an object */
    public JsonWriter startObject() {
        beforeValue();
        raw("{");
        objectDepth++;
        open.push(new int[] {0, 1});
        return this;
    }

    /** @return this writer, having closed the innermost object */
    public JsonWriter endObject() {
        int[] top = close(1);
        objectDepth--;
        if (top[0] > 0) {
            newline(objectDepth);
        } else {
            raw(" ");
        }
        raw("}");
        return this;
    }

    /** @return this writer, having opened an array */
    public JsonWriter startArray() {
        beforeValue();
        raw("[");
        open.push(new int[] {0, 0});
        return this;
    }

    /** @return this writer, having closed the innermost array */
    public JsonWriter endArray() {
        close(0);
        raw(" ]");
        return this;
    }

    /**
     * @param name a field name; the next call writes its value
     * @return this writer
     */
    public JsonWriter name(String name) {
        int[] top = open.peek();
        if (top == null || top[1] != 1 || afterName) {
            throw new IllegalStateException("a field name belongs in an object, before its value");
        }
        raw(top[0]++ == 0 ? "" : ",");
        newline(objectDepth);
        string(name);
        raw(": ");
        afterName = true;
        return this;
    }

    /**
     * @param value a string value
     * @return this writer
     */
    public JsonWriter value(String value) {
        beforeValue();
        string(value);
        return this;
    }

    /**
     * @param value a boolean value
     * @return this writer
     */
    public JsonWriter value(boolean value) {
        beforeValue();
        raw(Boolean.toString(value));
        return this;
    }

    /**
     * @param name a field name
     * @param value its string value
     * @return this writer
     */
    public JsonWriter field(String name, String value) {
        return name(name).value(value);
    }

    private void beforeValue() {
        int[] top = open.peek();
        if (afterName) {
            afterName = false;
            return;
        }
        if (top == null) {
            return;
        }
        if (top[1] == 1) {
            throw new IllegalStateException("a value in an object needs a field name first");
        }
        raw(top[0]++ == 0 ? " " : ", ");
    }

    private int[] close(int kind) {
        int[] top = open.poll();
        if (top == null || top[1] != kind || afterName) {
            throw new IllegalStateException("closing a container that is not the innermost open one");
        }
        return top;
    }

    private void newline(int depth) {
        raw("\n");
        raw("  ".repeat(depth));
    }

    private void string(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\f' -> b.append("\\f");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        raw(b.append('"').toString());
    }

    private void raw(String s) {
        try {
            out.append(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
