package dev.billing.core.internal;

import dev.billing.core.CostQuery;
import dev.billing.core.Dimension;
import dev.billing.core.TagAliases;
import java.util.Arrays;
import java.util.Map;

/**
 * One thread's memo of one tag dimension's value id per tag map, by the map's identity, in front of the query's
 * reading of the tag (through its aliases, {@link CostQuery#valueOf}) and a {@link ValueIds}: a record's tags are
 * an immutable map that providers share between the line items carrying the same tags, so a line item costs an
 * identity lookup instead of a lookup per alias. An open-addressing table that grows with the distinct maps seen,
 * up to {@value #MAX_MAPS}, and then starts over (a provider that makes a map per line item costs a lookup each, not
 * memory). Not thread-safe; each thread has its own.
 */
final class TagValueIds {
    private static final int MAX_MAPS = 1 << 16;

    private final TagAliases aliases;
    private final String key;
    private final ValueIds ids;
    private Object[] maps = new Object[256];
    private int[] mapIds = new int[256];
    private int count;

    /**
     * @param query how the tag is read
     * @param tag the tag dimension
     * @param dictionary where the values get their ids
     */
    TagValueIds(CostQuery query, Dimension.Tag tag, Dictionary dictionary) {
        this.aliases = query.tagAliases().orElse(TagAliases.NONE);
        this.key = tag.tagKey();
        this.ids = new ValueIds(dictionary);
    }

    /**
     * @param tags a line item's tags (immutable)
     * @return the id of its value of the tag
     */
    int id(Map<String, String> tags) {
        int mask = maps.length - 1;
        int h = System.identityHashCode(tags);
        int s = (h ^ (h >>> 16)) & mask;
        for (Object m = maps[s]; m != null; m = maps[s]) {
            if (m == tags) {
                return mapIds[s];
            }
            s = (s + 1) & mask;
        }
        int id = ids.id(aliases.valueOf(tags, key));
        if (count == MAX_MAPS) {
            Arrays.fill(maps, null);
            count = 0;
            return id;
        }
        maps[s] = tags;
        mapIds[s] = id;
        if (++count * 2 > maps.length) {
            grow();
        }
        return id;
    }

    private void grow() {
        Object[] oldMaps = maps;
        int[] oldIds = mapIds;
        maps = new Object[oldMaps.length * 2];
        mapIds = new int[maps.length];
        int mask = maps.length - 1;
        for (int i = 0; i < oldMaps.length; i++) {
            if (oldMaps[i] != null) {
                int h = System.identityHashCode(oldMaps[i]);
                int s = (h ^ (h >>> 16)) & mask;
                while (maps[s] != null) {
                    s = (s + 1) & mask;
                }
                maps[s] = oldMaps[i];
                mapIds[s] = oldIds[i];
            }
        }
    }
}
