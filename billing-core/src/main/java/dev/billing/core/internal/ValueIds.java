package dev.billing.core.internal;

/**
 * A one-thread, direct-mapped cache in front of a {@link Dictionary}: line items repeat a few values
 * per column, so most lookups are an array read and a reference compare, without the dictionary's
 * hash map. Not thread-safe; each writer has its own.
 */
final class ValueIds {
    private static final int SLOTS = 256;

    private final Dictionary dictionary;
    private final String[] values = new String[SLOTS];
    private final int[] ids = new int[SLOTS];

    ValueIds(Dictionary dictionary) {
        this.dictionary = dictionary;
    }

    /**
     * @param value a value
     * @return its id in the dictionary, assigned on first sight
     */
    int id(String value) {
        int h = value.hashCode();
        int s = (h ^ (h >>> 16)) & (SLOTS - 1);
        String cached = values[s];
        if (cached == value || (cached != null && cached.hashCode() == h && cached.equals(value))) {
            return ids[s];
        }
        int id = dictionary.id(value);
        values[s] = value;
        ids[s] = id;
        return id;
    }
}
