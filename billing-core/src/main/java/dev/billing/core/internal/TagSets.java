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
    private final ConcurrentHashMap<Key, Integer> ids = new ConcurrentHashMap<>(Map.of(new Key(Map.of()), 0));
    /** The sets by id (tag maps). */
    private volatile Object[] sets = {Map.of()};
    private volatile int size = 1;

    /**
     * @param tags an unmodifiable tag map
     * @return its id, assigned on first sight
     */
    int id(Map<String, String> tags) {
        Key key = new Key(tags);
        Integer id = ids.get(key);
        return id != null ? id : add(key);
    }

    private synchronized int add(Key key) {
        Map<String, String> tags = key.tags;
        Integer id = ids.get(key);
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
        ids.put(key, next);
        return next;
    }

    /**
     * A tag map with a well-mixed hash: {@link Map#hashCode()} sums {@code key ^ value} hashes, which collide for
     * sets of similar keys and values ({@code team-07}, {@code env-03}...), and a hash map of colliding maps
     * compares whole maps.
     */
    private static final class Key {
        final Map<String, String> tags;
        final int hash;

        Key(Map<String, String> tags) {
            this.tags = tags;
            int h = 0;
            for (Map.Entry<String, String> e : tags.entrySet()) {
                int x = e.getKey().hashCode() * 0x9E3779B9 + e.getValue().hashCode();
                x ^= x >>> 16;
                x *= 0x85EBCA6B;
                x ^= x >>> 13;
                h += x;
            }
            this.hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && k.tags.equals(tags);
        }
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
