package dev.billing.core;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Cost allocation: ordered {@linkplain Rule rules} that route line items to projects, and {@linkplain Split
 * splits} that divide shared costs among projects, exactly. Set on {@link Billing.Builder#allocation} it applies
 * to every report (live and from a {@link CostSync} store, budgets and anomalies included) unless a query asks
 * for {@linkplain CostQuery.Builder#rawCosts raw costs}; a report made with it carries its
 * {@link AllocationProvenance} (what moved where).
 *
 * <pre>{@code
 * Allocation allocation = Allocation.builder()
 *         .rule("ml linked account", Map.of("subAccount", List.of("222222222222")), "project-ml")
 *         .ruleFromTag("by team tag", Map.of("provider", List.of("aws-cost-explorer")), "team")
 *         .split("support", Map.of("service", List.of("AWS Support (Business)")),
 *                 List.of("project-web", "project-data"), Allocation.Method.PROPORTIONAL)
 *         .fixedSplit("platform", Map.of("project", List.of("project-platform")),
 *                 List.of("project-web", "project-data"), List.of("70", "30"))
 *         .build();
 * }</pre>
 *
 * <p>The rules and the arithmetic are described in {@code docs/allocation.md}. Immutable; invalid allocations
 * are refused when built, with an {@link InvalidAllocationException} naming the rule or split.
 */
public final class Allocation {
    /** No rule and no split: every line item keeps its service account's project. */
    public static final Allocation NONE = new Allocation(List.of(), List.of());

    private final List<Rule> rules;
    private final List<Split> splits;
    private final String fingerprint;

    private Allocation(List<Rule> rules, List<Split> splits) {
        this.rules = List.copyOf(rules);
        this.splits = List.copyOf(splits);
        validate(this.rules, this.splits);
        this.fingerprint = fingerprint(this.rules, this.splits);
    }

    /**
     * @param rules the rules, in order (the first that matches a line item decides its project)
     * @param splits the splits, in order (a line item matching several splits' sources belongs to the first)
     * @return the allocation
     * @throws InvalidAllocationException naming the rule or split, when two share a name or a split's target is
     *     another split's source project
     */
    public static Allocation of(List<Rule> rules, List<Split> splits) {
        return new Allocation(rules, splits);
    }

    /** @return a builder with no rule and no split */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the rules, in order */
    public List<Rule> rules() {
        return rules;
    }

    /** @return the splits, in order */
    public List<Split> splits() {
        return splits;
    }

    /** @return whether it has neither rules nor splits (it then changes nothing) */
    public boolean isEmpty() {
        return rules.isEmpty() && splits.isEmpty();
    }

    /**
     * @return {@code sha256:} and the lowercase hex SHA-256 of the allocation's canonical text (each rule and
     *     split in order, conditions sorted by dimension key and values sorted): equal allocations have equal
     *     fingerprints, whatever order their conditions were given in
     */
    public String fingerprint() {
        return fingerprint;
    }

    /**
     * @return every project a rule names or a split targets, in order of first mention (projects taken from tags
     *     are not known before the costs are read)
     */
    public Set<ProjectId> namedProjects() {
        Set<ProjectId> named = new LinkedHashSet<>();
        rules.forEach(r -> {
            if (r.project() != null) {
                named.add(r.project());
            }
        });
        splits.forEach(s -> named.addAll(s.to()));
        return Collections.unmodifiableSet(named);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Allocation a && rules.equals(a.rules) && splits.equals(a.splits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rules, splits);
    }

    @Override
    public String toString() {
        return "Allocation[rules=" + rules.size() + ", splits=" + splits.size() + ", " + fingerprint + "]";
    }

    private static void validate(List<Rule> rules, List<Split> splits) {
        Set<String> names = new HashSet<>();
        for (Rule r : rules) {
            if (!names.add(r.name())) {
                throw new InvalidAllocationException(r.name(), "allocation rule '" + r.name()
                        + "': another rule or split has the same name; give each its own");
            }
        }
        Map<String, String> sourceOf = new HashMap<>();
        for (Split s : splits) {
            if (!names.add(s.name())) {
                throw new InvalidAllocationException(s.name(), "allocation split '" + s.name()
                        + "': another rule or split has the same name; give each its own");
            }
            for (String p : s.from().getOrDefault(Dimension.PROJECT, Set.of())) {
                sourceOf.putIfAbsent(p, s.name());
            }
        }
        for (Split s : splits) {
            for (ProjectId target : s.to()) {
                String other = sourceOf.get(target.value());
                if (other != null && !other.equals(s.name())) {
                    throw new InvalidAllocationException(s.name(), "allocation split '" + s.name() + "': target '"
                            + target + "' is the source project of split '" + other
                            + "'; a split cannot send costs to a project another split divides");
                }
            }
        }
    }

    private static String fingerprint(List<Rule> rules, List<Split> splits) {
        StringBuilder text = new StringBuilder();
        for (Rule r : rules) {
            text.append("rule\t").append(quote(r.name())).append('\t').append(canonical(r.when())).append('\t')
                    .append(r.project() != null ? "project=" + quote(r.project().value())
                            : "projectFromTag=" + quote(r.projectFromTag())).append('\n');
        }
        for (Split s : splits) {
            text.append("split\t").append(quote(s.name())).append('\t').append(canonical(s.from())).append('\t')
                    .append(s.method().key());
            for (int i = 0; i < s.to().size(); i++) {
                text.append('\t').append(quote(s.to().get(i).value()));
                if (s.method() == Method.FIXED) {
                    text.append('=').append(s.percents().get(i).stripTrailingZeros().toPlainString());
                }
            }
            text.append('\n');
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String canonical(Map<Dimension, Set<String>> conditions) {
        Map<String, Set<String>> sorted = new TreeMap<>();
        conditions.forEach((d, values) -> sorted.put(d.key(), new TreeSet<>(values)));
        StringBuilder b = new StringBuilder("{");
        sorted.forEach((k, values) -> {
            b.append(quote(k)).append(":[");
            values.forEach(v -> b.append(quote(v)).append(','));
            b.append("],");
        });
        return b.append('}').toString();
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * Reads conditions given by dimension key ({@code service}, {@code tag:team}, ...).
     *
     * @throws InvalidAllocationException naming the rule for an unknown dimension or a null value
     */
    private static Map<Dimension, Set<String>> conditions(String kind, String name,
                                                          Map<String, ? extends Collection<String>> given) {
        Map<Dimension, Set<String>> out = new LinkedHashMap<>();
        Objects.requireNonNull(given, "conditions");
        given.forEach((key, values) -> {
            Dimension d;
            try {
                d = Dimension.parse(key);
            } catch (InvalidRequestException e) {
                throw new InvalidAllocationException(name, "allocation " + kind + " '" + name + "': "
                        + e.getMessage());
            }
            out.put(d, values(kind, name, d, values));
        });
        return out;
    }

    private static Set<String> values(String kind, String name, Dimension d, Collection<String> values) {
        if (values == null || values.stream().anyMatch(Objects::isNull)) {
            throw new InvalidAllocationException(name, "allocation " + kind + " '" + name + "': the values of "
                    + d.key() + " must be strings, not null");
        }
        return Collections.unmodifiableSet(new LinkedHashSet<>(values));
    }

    private static Map<Dimension, Set<String>> copy(String kind, String name, Map<Dimension, Set<String>> given) {
        Objects.requireNonNull(given, "conditions");
        Map<Dimension, Set<String>> out = new LinkedHashMap<>();
        given.forEach((d, values) -> out.put(Objects.requireNonNull(d, "dimension"), values(kind, name, d, values)));
        return Collections.unmodifiableMap(out);
    }

    private static String checkName(String kind, String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidAllocationException(String.valueOf(name), "allocation " + kind
                    + " without a name: give every " + kind + " a name");
        }
        return name;
    }

    private static ProjectId parseProject(String kind, String name, String project) {
        try {
            return ProjectId.of(project);
        } catch (InvalidRequestException e) {
            throw new InvalidAllocationException(name, "allocation " + kind + " '" + name + "': " + e.getMessage());
        }
    }

    /**
     * @param conditions dimension to accepted values
     * @param values a line item's value of each dimension
     * @return whether every condition accepts the value (exact match; {@code ""} for a missing tag)
     */
    static boolean matches(Map<Dimension, Set<String>> conditions, Function<Dimension, String> values) {
        for (Map.Entry<Dimension, Set<String>> c : conditions.entrySet()) {
            if (!c.getValue().contains(values.apply(c.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A rule: line items matching every condition of {@code when} (an empty map matches every line item) go to
     * {@code project}, or to the project named by the value of the tag {@code projectFromTag} (no match when the
     * line item lacks that tag, its value is empty or is not a valid project id). {@code when} reads the line
     * item as fetched: its {@link Dimension#PROJECT} is its service account's project.
     *
     * @param name the rule's name, not blank; named in provenance and errors
     * @param when dimension to accepted values (exact; {@code ""} matches a missing tag)
     * @param project the project to route to, or null when {@code projectFromTag} is given
     * @param projectFromTag the tag key whose value names the project, or null when {@code project} is given
     */
    public record Rule(String name, Map<Dimension, Set<String>> when, ProjectId project, String projectFromTag) {
        /** @throws InvalidAllocationException naming the rule when both or neither target is given */
        public Rule {
            name = checkName("rule", name);
            when = copy("rule", name, when);
            if ((project == null) == (projectFromTag == null)) {
                throw new InvalidAllocationException(name, "allocation rule '" + name
                        + "': give exactly one of project and projectFromTag");
            }
            if (projectFromTag != null && projectFromTag.isEmpty()) {
                throw new InvalidAllocationException(name, "allocation rule '" + name
                        + "': projectFromTag needs a tag key");
            }
        }

        /**
         * @param name the rule's name
         * @param when dimension key ({@code service}, {@code tag:team}, ...) to accepted values
         * @param project the project to route to, or null
         * @param projectFromTag the tag key naming the project, or null
         * @return the rule
         * @throws InvalidAllocationException naming the rule for an unknown dimension, an invalid project, or both
         *     or neither target
         */
        public static Rule of(String name, Map<String, ? extends Collection<String>> when, String project,
                              String projectFromTag) {
            String n = checkName("rule", name);
            return new Rule(n, conditions("rule", n, when), project == null ? null : parseProject("rule", n, project),
                    projectFromTag);
        }

        /**
         * @param values a line item's value of each dimension, as fetched
         * @return whether every condition matches
         */
        public boolean matches(Function<Dimension, String> values) {
            return Allocation.matches(when, values);
        }

        /**
         * @param values a line item's value of each dimension, as fetched (tags through the aliases)
         * @return the project this rule routes a matching line item to, or null when the tag names none
         */
        public ProjectId target(Function<Dimension, String> values) {
            if (project != null) {
                return project;
            }
            String v = values.apply(Dimension.tag(projectFromTag));
            try {
                return v.isEmpty() ? null : ProjectId.of(v);
            } catch (InvalidRequestException e) {
                return null;
            }
        }
    }

    /** How a split divides its source. */
    public enum Method {
        /** Equal weights. */
        EVEN,
        /** Fixed percents, adding up to 100. */
        FIXED,
        /** Each target's own cost that day, in that currency, after the rules, without split sources. */
        PROPORTIONAL;

        /** @return the name used in configuration: {@code even}, {@code fixed}, {@code proportional} */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param key {@code even}, {@code fixed} or {@code proportional}, in any case
         * @return the method, or null when none has that key
         */
        static Method parse(String key) {
            for (Method m : values()) {
                if (m.key().equalsIgnoreCase(key)) {
                    return m;
                }
            }
            return null;
        }
    }

    /**
     * A split: the costs matching {@code from} (read after the rules: {@link Dimension#PROJECT} is the routed
     * project) are divided among {@code to}, per UTC day, currency and source project.
     *
     * @param name the split's name, not blank
     * @param from dimension to accepted values; an empty map takes every line item
     * @param to the target projects, in order (the order breaks ties for the remainder), at least one
     * @param method how to divide
     * @param percents for {@link Method#FIXED}, one non-negative percent per target adding up to exactly 100;
     *     empty for the other methods
     */
    public record Split(String name, Map<Dimension, Set<String>> from, List<ProjectId> to, Method method,
                        List<BigDecimal> percents) {
        private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

        /** @throws InvalidAllocationException naming the split when it has no target or wrong percents */
        public Split {
            name = checkName("split", name);
            from = copy("split", name, from);
            Objects.requireNonNull(method, "method");
            if (to == null || to.isEmpty()) {
                throw new InvalidAllocationException(name, "allocation split '" + name
                        + "': no target project; list at least one in \"to\"");
            }
            to = List.copyOf(to);
            percents = percents == null ? List.of() : List.copyOf(percents);
            if (method == Method.FIXED) {
                if (percents.size() != to.size()) {
                    throw new InvalidAllocationException(name, "allocation split '" + name + "': " + percents.size()
                            + " percents for " + to.size() + " targets; give one percent per target");
                }
                BigDecimal sum = BigDecimal.ZERO;
                for (BigDecimal p : percents) {
                    if (p.signum() < 0) {
                        throw new InvalidAllocationException(name, "allocation split '" + name + "': percent "
                                + p.toPlainString() + " is negative");
                    }
                    sum = sum.add(p);
                }
                if (sum.compareTo(HUNDRED) != 0) {
                    throw new InvalidAllocationException(name, "allocation split '" + name + "': percents add up to "
                            + sum.toPlainString() + ", not 100");
                }
            } else if (!percents.isEmpty()) {
                throw new InvalidAllocationException(name, "allocation split '" + name
                        + "': percents are only for the fixed method, not " + method.key());
            }
        }

        /**
         * @param name the split's name
         * @param from dimension key to accepted values
         * @param to the target projects
         * @param method {@code even}, {@code fixed} or {@code proportional}
         * @param percents for {@code fixed}, decimal strings, one per target; else null or empty
         * @return the split
         * @throws InvalidAllocationException naming the split for an unknown dimension or method, an invalid
         *     project, no target or percents not adding up to 100
         */
        public static Split of(String name, Map<String, ? extends Collection<String>> from, List<String> to,
                               String method, List<String> percents) {
            String n = checkName("split", name);
            Method m = Method.parse(method);
            if (m == null) {
                throw new InvalidAllocationException(n, "allocation split '" + n + "': unknown method '" + method
                        + "'; use even, fixed or proportional");
            }
            List<ProjectId> targets = new ArrayList<>();
            for (String t : to == null ? List.<String>of() : to) {
                targets.add(parseProject("split", n, t));
            }
            List<BigDecimal> p = new ArrayList<>();
            for (String s : percents == null ? List.<String>of() : percents) {
                try {
                    p.add(new BigDecimal(s));
                } catch (NumberFormatException | NullPointerException e) {
                    throw new InvalidAllocationException(n, "allocation split '" + n + "': percent '" + s
                            + "' is not a decimal number");
                }
            }
            return new Split(n, conditions("split", n, from), targets, m, p);
        }

        /**
         * @param values a line item's value of each dimension after the rules
         * @return whether it is a source of this split
         */
        public boolean matches(Function<Dimension, String> values) {
            return Allocation.matches(from, values);
        }
    }

    /** Builds an {@link Allocation}; rules and splits keep the order they are added in. */
    public static final class Builder {
        private final List<Rule> rules = new ArrayList<>();
        private final List<Split> splits = new ArrayList<>();

        private Builder() {
        }

        /**
         * @param rule a rule, after those added before
         * @return this builder
         */
        public Builder rule(Rule rule) {
            rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /**
         * @param name the rule's name
         * @param when dimension key to accepted values
         * @param project the project matching line items go to
         * @return this builder
         * @throws InvalidAllocationException naming the rule
         */
        public Builder rule(String name, Map<String, ? extends Collection<String>> when, String project) {
            return rule(Rule.of(name, when, Objects.requireNonNull(project, "project"), null));
        }

        /**
         * @param name the rule's name
         * @param when dimension key to accepted values
         * @param tagKey the tag whose value names the project
         * @return this builder
         * @throws InvalidAllocationException naming the rule
         */
        public Builder ruleFromTag(String name, Map<String, ? extends Collection<String>> when, String tagKey) {
            return rule(Rule.of(name, when, null, Objects.requireNonNull(tagKey, "tagKey")));
        }

        /**
         * @param split a split, after those added before
         * @return this builder
         */
        public Builder split(Split split) {
            splits.add(Objects.requireNonNull(split, "split"));
            return this;
        }

        /**
         * @param name the split's name
         * @param from dimension key to accepted values
         * @param to the target projects
         * @param method {@link Method#EVEN} or {@link Method#PROPORTIONAL} ({@link #fixedSplit} for fixed percents)
         * @return this builder
         * @throws InvalidAllocationException naming the split
         */
        public Builder split(String name, Map<String, ? extends Collection<String>> from, List<String> to,
                             Method method) {
            return split(Split.of(name, from, to, method.key(), List.of()));
        }

        /**
         * @param name the split's name
         * @param from dimension key to accepted values
         * @param to the target projects
         * @param percents one decimal percent per target, adding up to 100
         * @return this builder
         * @throws InvalidAllocationException naming the split
         */
        public Builder fixedSplit(String name, Map<String, ? extends Collection<String>> from, List<String> to,
                                  List<String> percents) {
            return split(Split.of(name, from, to, Method.FIXED.key(), percents));
        }

        /**
         * @return the allocation
         * @throws InvalidAllocationException naming the rule or split, when two share a name or a split's target
         *     is another split's source project
         */
        public Allocation build() {
            return new Allocation(rules, splits);
        }
    }
}
