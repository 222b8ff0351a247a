package dev.billing.core.internal;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dense ids for the distinct strings of one column: id {@code i} is the {@code i}-th distinct value
 * seen. Thread-safe; lookups of known values take no lock.
 */
final class Dictionary {
    private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
    private volatile String[] values = new String[16];
    private volatile int size;

    /**
     * @param value a value
     * @return its id, assigned on first sight
     */
    int id(String value) {
        Integer id = ids.get(value);
        return id != null ? id : add(value);
    }

    private synchronized int add(String value) {
        Integer id = ids.get(value);
        if (id != null) {
            return id;
        }
        int next = size;
        String[] v = values;
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
    int find(String value) {
        Integer id = ids.get(value);
        return id == null ? -1 : id;
    }

    /**
     * @param id an id this dictionary gave
     * @return its value
     */
    String value(int id) {
        return values[id];
    }

    /** @return how many distinct values have ids */
    int size() {
        return size;
    }
}
