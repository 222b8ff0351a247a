package dev.billing.core.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The distinct tag maps of a {@link ColumnarStore}'s line items, each kept once and numbered from 0 (the empty
 * map): a line item keeps only its set's id. Thread-safe.
 */
final class TagSets {
    private final List<Map<String, String>> sets = new ArrayList<>(List.of(Map.of()));
    private final Map<Map<String, String>, Integer> ids = new HashMap<>(Map.of(Map.of(), 0));

    /**
     * @param tags an unmodifiable tag map
     * @return its id, assigned on first sight
     */
    synchronized int id(Map<String, String> tags) {
        Integer id = ids.get(tags);
        if (id == null) {
            id = sets.size();
            sets.add(tags);
            ids.put(tags, id);
        }
        return id;
    }

    /** @return the number of sets */
    synchronized int size() {
        return sets.size();
    }

    /**
     * @param id a set's id
     * @return the set
     */
    synchronized Map<String, String> get(int id) {
        return sets.get(id);
    }
}
