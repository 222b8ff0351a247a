package dev.billing.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Tag keys that mean the same to a person ({@code Team}, {@code TEAM}, {@code owner-team}), read under one
 * canonical key ({@code team}) when costs are read. Without aliases ({@link #NONE}) keys are compared exactly.
 *
 * <p>A line item's tag whose key is an alias is read under its canonical key. When one line item carries
 * several keys of one canonical key, the canonical key's own value wins, then the first alias listed. An
 * alias is no key of its own: {@code tag:Team} of a line item tagged {@code Team=web} is {@code ""} when
 * {@code Team} is an alias of {@code team}.
 *
 * <pre>{@code
 * TagAliases aliases = TagAliases.of(Map.of("team", List.of("Team", "TEAM", "owner-team")));
 * }</pre>
 */
public final class TagAliases {
    /** No aliases: every key is its own. */
    public static final TagAliases NONE = new TagAliases(Map.of());

    /** Canonical key to its aliases, in the order given. */
    private final Map<String, List<String>> aliases;
    /** Every alias that is not also a canonical key, to its canonical key. */
    private final Map<String, String> canonicalOf;
    /** Canonical key to the keys its value is read from: itself, then its aliases. */
    private final Map<String, List<String>> readFrom;

    private TagAliases(Map<String, List<String>> aliases) {
        this.aliases = aliases;
        Map<String, String> of = new HashMap<>();
        aliases.forEach((canonical, keys) -> keys.forEach(k -> {
            String before = of.putIfAbsent(k, canonical);
            if (before != null && !before.equals(canonical)) {
                throw new InvalidRequestException("tag key '" + k + "' is an alias of both '" + before + "' and '"
                        + canonical + "'");
            }
        }));
        aliases.keySet().forEach(of::remove);
        this.canonicalOf = Map.copyOf(of);
        Map<String, List<String>> from = new HashMap<>();
        aliases.forEach((canonical, keys) -> {
            List<String> all = new ArrayList<>(keys.size() + 1);
            all.add(canonical);
            all.addAll(keys);
            from.put(canonical, List.copyOf(all));
        });
        this.readFrom = Map.copyOf(from);
    }

    /**
     * @param aliases canonical key to the keys that mean it (in the order their values are preferred); keys
     *     are case-sensitive and not empty
     * @return the aliases
     * @throws InvalidRequestException when a key is empty or one alias names two canonical keys
     */
    public static TagAliases of(Map<String, ? extends List<String>> aliases) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        aliases.forEach((canonical, keys) -> {
            requireKey(canonical);
            List<String> list = new ArrayList<>();
            for (String k : keys) {
                requireKey(k);
                if (!k.equals(canonical) && !list.contains(k)) {
                    list.add(k);
                }
            }
            copy.put(canonical, List.copyOf(list));
        });
        return copy.isEmpty() ? NONE : new TagAliases(Map.copyOf(copy));
    }

    private static void requireKey(String key) {
        if (Objects.requireNonNull(key, "tag key").isEmpty()) {
            throw new InvalidRequestException("tag aliases: a tag key is empty");
        }
    }

    /** @return canonical key to the keys that mean it */
    public Map<String, List<String>> asMap() {
        return aliases;
    }

    /**
     * @param tags a line item's tags
     * @param key a tag key
     * @return the line item's value of that key read through the aliases; {@code ""} when it has none
     */
    public String valueOf(Map<String, String> tags, String key) {
        if (tags.isEmpty()) {
            return "";
        }
        if (aliases.isEmpty()) {
            return tags.getOrDefault(key, "");
        }
        for (String k : keysOf(key)) {
            String v = tags.get(k);
            if (v != null) {
                return v;
            }
        }
        return "";
    }

    /**
     * The one rule of {@link #valueOf}, for a store that reads tags elsewhere (a database): a line item's value of
     * {@code key} is its value of the first of these keys it carries, {@code ""} when it carries none.
     *
     * @param key a tag key
     * @return the keys read for it, in order of preference: the key itself, then its aliases; none when the key is
     *     only an alias of another key
     */
    public List<String> keysOf(String key) {
        List<String> keys = readFrom.get(key);
        if (keys != null) {
            return keys;
        }
        return canonicalOf.containsKey(key) ? List.of() : List.of(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TagAliases t && aliases.equals(t.aliases);
    }

    @Override
    public int hashCode() {
        return aliases.hashCode();
    }

    @Override
    public String toString() {
        return "TagAliases" + aliases;
    }
}
