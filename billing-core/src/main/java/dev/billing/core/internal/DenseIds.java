package dev.billing.core.internal;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dense ids for distinct values: id {@code i} is the {@code i}-th distinct value seen. Thread-safe; lookups of known
 * values take no lock. The one piece behind a column's {@link Dictionary} of strings and the store's {@link TagSets}.
 *
 * @param <K> the values, with the {@code equals} and {@code hashCode} that tell them apart
 */
class DenseIds<K> {
    private final ConcurrentHashMap<K, Integer> ids = new ConcurrentHashMap<>();
    private volatile Object[] values = new Object[16];
    private volatile int size;

    /**
     * @param value a value
     * @return its id, assigned on first sight
     */
    final int id(K value) {
        Integer id = ids.get(value);
        return id != null ? id : add(value);
    }

    private synchronized int add(K value) {
        Integer id = ids.get(value);
        if (id != null) {
            return id;
        }
        int next = size;
        Object[] v = values;
        if (next == v.length) {
            v = Arrays.copyOf(v, next * 2);
        }
        v[next] = value;
        values = v;
        size = next + 1;
        ids.put(value, next);
        return next;
    }

    /**
     * @param value a value
     * @return its id, or -1 when it was never seen
     */
    final int find(K value) {
        Integer id = ids.get(value);
        return id == null ? -1 : id;
    }

    /**
     * @param id an id this gave
     * @return its value
     */
    @SuppressWarnings("unchecked")
    final K value(int id) {
        return (K) values[id];
    }

    /** @return how many distinct values have ids */
    final int size() {
        return size;
    }
}
