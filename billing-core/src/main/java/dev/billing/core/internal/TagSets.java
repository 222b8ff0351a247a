package dev.billing.core.internal;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The distinct tag maps of a {@link ColumnarStore}'s line items, each kept once and numbered from 0 (the empty
 * map): a line item keeps only its set's id. Thread-safe; lookups of known sets take no lock (the fetch threads
 * of a sync write tagged line items at once).
 */
final class TagSets {
    private final ConcurrentHashMap<Map<String, String>, Integer> ids = new ConcurrentHashMap<>(Map.of(Map.of(), 0));
    /** The sets by id (tag maps). */
    private volatile Object[] sets = {Map.of()};
    private volatile int size = 1;

    /**
     * @param tags an unmodifiable tag map
     * @return its id, assigned on first sight
     */
    int id(Map<String, String> tags) {
        Integer id = ids.get(tags);
        return id != null ? id : add(tags);
    }

    private synchronized int add(Map<String, String> tags) {
        Integer id = ids.get(tags);
        if (id != null) {
            return id;
        }
        int next = size;
        Object[] s = sets;
        if (next == s.length) {
            s = Arrays.copyOf(s, next * 2);
        }
        s[next] = tags;
        sets = s;
        size = next + 1;
        ids.put(tags, next);
        return next;
    }

    /** @return the number of sets */
    int size() {
        return size;
    }

    /**
     * @param id a set's id
     * @return the set
     */
    @SuppressWarnings("unchecked")
    Map<String, String> get(int id) {
        return (Map<String, String>) sets[id];
    }
}
