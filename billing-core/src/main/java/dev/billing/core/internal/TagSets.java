package dev.billing.core.internal;

import java.util.Map;

/**
 * The distinct tag maps of a {@link ColumnarStore}'s line items, each kept once and numbered from 0 (the empty
 * map): a line item keeps only its set's id. Thread-safe; lookups of known sets take no lock (the fetch threads
 * of a sync write tagged line items at once).
 *
 * <p>Providers share one map between the line items with the same tags, across pages and windows, so a set is first
 * looked up by the map's identity, in a direct-mapped cache shared by every writer; only a miss hashes and compares
 * the map's entries.
 */
final class TagSets {
    /** Slots of the identity cache; a power of two, a few times the distinct sets a store usually sees. */
    private static final int CACHE_SLOTS = 4096;

    private final DenseIds<Key> sets = new DenseIds<>();
    /**
     * Immutable entries, written without a lock: a racing writer may replace another's entry (a later miss), never
     * pair a map with another's id.
     */
    private final Cached[] cache = new Cached[CACHE_SLOTS];

    TagSets() {
        sets.id(new Key(Map.of()));
    }

    private record Cached(Map<String, String> tags, int id) {
    }

    /**
     * @param tags an unmodifiable tag map
     * @return its id, assigned on first sight
     */
    int id(Map<String, String> tags) {
        int slot = System.identityHashCode(tags) & (CACHE_SLOTS - 1);
        Cached c = cache[slot];
        if (c != null && c.tags == tags) {
            return c.id;
        }
        int id = sets.id(new Key(tags));
        cache[slot] = new Cached(tags, id);
        return id;
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
        return sets.size();
    }

    /**
     * @param id a set's id
     * @return the set
     */
    Map<String, String> get(int id) {
        return sets.value(id).tags;
    }
}
