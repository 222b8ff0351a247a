package dev.billing.hyperbilling.internal;

import java.util.Arrays;

/**
 * The text values of one billing page, each distinct value made into a {@link String} once. A page
 * repeats few values many times (31 dates, a handful of regions, services and usage types over
 * hundreds of rows), so reading them from the parser's character buffer through this table spares a
 * new String per field and row, and the records built from the page share those Strings.
 *
 * <p>Open addressing over a fixed power-of-two table; once half full, further new values are still
 * returned but no longer kept, so a page of all-distinct values costs one lookup more per value,
 * never unbounded memory.
 */
final class PageStrings {
    private static final int CAPACITY = 1024;
    private final String[] table = new String[CAPACITY];
    /** The hash and the characters of each kept String, compared instead of the String itself. */
    private final int[] hashes = new int[CAPACITY];
    private final char[][] texts = new char[CAPACITY][];
    private int size;

    /**
     * @param chars holds the text
     * @param offset where the text starts
     * @param length its length
     * @return a String equal to the text, the same instance for equal texts of this page
     */
    String of(char[] chars, int offset, int length) {
        int hash = 0;
        for (int i = offset; i < offset + length; i++) {
            hash = 31 * hash + chars[i];
        }
        int mask = CAPACITY - 1;
        for (int slot = (hash ^ (hash >>> 16)) & mask; ; slot = (slot + 1) & mask) {
            String kept = table[slot];
            if (kept == null) {
                String text = new String(chars, offset, length);
                if (size < CAPACITY / 2) {
                    table[slot] = text;
                    hashes[slot] = hash;
                    texts[slot] = Arrays.copyOfRange(chars, offset, offset + length);
                    size++;
                }
                return text;
            }
            if (hashes[slot] == hash && Arrays.equals(texts[slot], 0, texts[slot].length, chars, offset, offset + length)) {
                return kept;
            }
        }
    }
}
