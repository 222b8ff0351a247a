package dev.billing.core.internal;

import dev.billing.core.CostQuery;
import dev.billing.core.Dimension;
import dev.billing.core.TagAliases;
import java.util.Map;

/**
 * A one-thread, direct-mapped cache of one tag dimension's value id per tag map, by the map's identity, in front of
 * the query's reading of the tag (through its aliases, {@link CostQuery#valueOf}) and a {@link ValueIds}: a
 * record's tags are an immutable map that providers share between the line items carrying the same tags, so a
 * line item costs an identity compare instead of a lookup per alias. Not thread-safe; each writer has its own.
 */
final class TagValueIds {
    private static final int SLOTS = 256;

    private final TagAliases aliases;
    private final String key;
    private final ValueIds ids;
    private final Object[] maps = new Object[SLOTS];
    private final int[] mapIds = new int[SLOTS];

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
        int s = System.identityHashCode(tags) & (SLOTS - 1);
        if (maps[s] == tags) {
            return mapIds[s];
        }
        int id = ids.id(aliases.valueOf(tags, key));
        maps[s] = tags;
        mapIds[s] = id;
        return id;
    }
}
