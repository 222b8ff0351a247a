package dev.billing.core.internal;

import dev.billing.core.AccountCoverage;
import dev.billing.core.AllocatedLineItems;
import dev.billing.core.Allocation;
import dev.billing.core.AllocationProvenance;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.CostReport;
import dev.billing.core.CoverageStatus;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.Metric;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.spi.CostCellColumns;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Applies an {@link Allocation} to a report, as a separate step after the costs are summed: the costs are read
 * (live or from a store) with an {@linkplain #innerQuery() inner query} grouped by the registered project and by
 * every dimension the rules, splits, filters and group-by read (DAILY when there are splits), into a cube with
 * route columns ({@link #newCube()}). Each line item (live) or store cell is routed by the rules and the splits,
 * whose conditions are decided once per distinct value of each dimension ({@link Router}); a routed key keeps
 * only what the asked query tells apart. The split sources are divided per UTC day, currency and source project,
 * and the report the query asked for is summed from the allocated cells.
 *
 * <p>A split's share for each target is exact per the contract ({@code S × w / Σw} rounded half-even to 10
 * places, the largest-weight target taking the remainder). So that a project's breakdown shows what it received,
 * each target's share is spread over the source's cells as the asked query tells them apart (its group-by and
 * filter values) in proportion to their amounts (rounded the same way, the largest cell, the first in the order of
 * their values on a tie, taking the remainder), and the largest-weight target takes, per cell, what the others
 * left: every target total is its contract share and every cell's parts add up to the cell. An export
 * ({@link #allocateLineItems}) spreads over line items.
 */
public final class Allocator {
    private static final int SCALE = 10;

    private final Allocation allocation;
    private final CostQuery target;
    private final CostQuery inner;
    private final List<Dimension> dims;
    private final Map<Dimension, Integer> index = new HashMap<>();
    private final Set<ProjectId> registered;
    /** The positions in {@link #dims} the rules read (the registered project first). */
    private final int[] ruleIndices;
    /** The positions in {@link #dims} the splits read besides the (routed) project. */
    private final int[] splitIndices;
    /** Per rule: the position in {@link #dims} of the tag it takes its project from, or -1. */
    private final int[] fromTag;
    /** The positions in {@link #dims} of the asked query's group-by and filters besides the project. */
    private final int[] kept;
    /** The positions in {@link #dims} of the asked query's filters besides the project. */
    private final int[] filtered;
    /** Per position of {@link #dims}: whether a routed key keeps it (the registered project and {@link #kept}). */
    private final boolean[] keep;
    private final Decider rules;
    private final Decider splits;
    /** The projects line items are routed to, for one report; thread-safe. */
    private final Dictionary routedProjects = new Dictionary();
    /** Per rule: the id of its project in {@link #routedProjects}, or -1 when it takes it from a tag. */
    private final int[] ruleTarget;

    private Allocator(Allocation allocation, CostQuery target, Set<ProjectId> registered) {
        this.allocation = allocation;
        this.target = target;
        this.registered = registered;
        Set<Dimension> read = new LinkedHashSet<>();
        read.add(Dimension.PROJECT);
        Set<Dimension> ruleDims = new LinkedHashSet<>();
        ruleDims.add(Dimension.PROJECT);
        for (Allocation.Rule r : allocation.rules()) {
            ruleDims.addAll(r.when().keySet());
            if (r.projectFromTag() != null) {
                ruleDims.add(Dimension.tag(r.projectFromTag()));
            }
        }
        Set<Dimension> splitDims = new LinkedHashSet<>();
        allocation.splits().forEach(s -> splitDims.addAll(s.from().keySet()));
        splitDims.remove(Dimension.PROJECT);
        read.addAll(ruleDims);
        read.addAll(splitDims);
        read.addAll(target.groupBy());
        read.addAll(target.filters().keySet());
        this.dims = List.copyOf(read);
        for (int i = 0; i < dims.size(); i++) {
            index.put(dims.get(i), i);
        }
        this.ruleIndices = ruleDims.stream().mapToInt(index::get).toArray();
        this.splitIndices = splitDims.stream().mapToInt(index::get).toArray();
        Set<Dimension> asked = new LinkedHashSet<>(target.groupBy());
        asked.addAll(target.filters().keySet());
        asked.remove(Dimension.PROJECT);
        this.kept = asked.stream().mapToInt(index::get).toArray();
        this.filtered = target.filters().keySet().stream().filter(d -> d != Dimension.PROJECT).mapToInt(index::get)
                .toArray();
        List<Allocation.Rule> ruleList = allocation.rules();
        this.fromTag = new int[ruleList.size()];
        Dimension[] validProject = new Dimension[ruleList.size()];
        List<Map<Dimension, Set<String>>> ruleConditions = new ArrayList<>();
        for (int r = 0; r < ruleList.size(); r++) {
            Allocation.Rule rule = ruleList.get(r);
            ruleConditions.add(rule.when());
            validProject[r] = rule.projectFromTag() == null ? null : Dimension.tag(rule.projectFromTag());
            fromTag[r] = validProject[r] == null ? -1 : index.get(validProject[r]);
        }
        this.keep = new boolean[dims.size()];
        keep[0] = true;
        for (int p : kept) {
            keep[p] = true;
        }
        this.ruleTarget = new int[ruleList.size()];
        for (int r = 0; r < ruleList.size(); r++) {
            Allocation.Rule rule = ruleList.get(r);
            ruleTarget[r] = rule.project() == null ? -1 : routedProjects.id(rule.project().value());
        }
        this.rules = new Decider(ruleConditions, validProject);
        this.splits = new Decider(allocation.splits().stream().map(Allocation.Split::from).toList(),
                new Dimension[allocation.splits().size()]);
        CostQuery.Builder b = CostQuery.builder(target.period())
                .granularity(allocation.splits().isEmpty() ? target.granularity() : Granularity.DAILY)
                .metric(target.metric()).groupBy(dims.toArray(Dimension[]::new)).rawCosts(true);
        target.tagAliases().ifPresent(b::tagAliases);
        this.inner = b.build();
    }

    /**
     * The columns a key of the {@linkplain #newCube() inner cube} has after the values: the routed project (an id
     * of {@link #routedProjects}), the rule + 1 and the split + 1 (0 for none).
     */
    static final int ROUTE_COLUMNS = 3;

    /**
     * @param allocation the allocation of the {@code Billing}
     * @param target the query the report answers before conversion ({@code CostQuery.fetched()} of the query
     *     asked, with its tag aliases)
     * @param registered the project of every registered service account
     * @return the allocator, or null when the query asks for raw costs or the allocation is empty
     * @throws InvalidRequestException when the query filters on a project that no account is registered for,
     *     no rule names and no split targets, and no rule takes projects from a tag
     */
    public static Allocator of(Allocation allocation, CostQuery target, Collection<ProjectId> registered) {
        if (target.rawCosts() || allocation.isEmpty()) {
            return null;
        }
        Set<ProjectId> known = new TreeSet<>(registered);
        known.addAll(allocation.namedProjects());
        Set<String> wanted = target.filters().get(Dimension.PROJECT);
        boolean fromTags = allocation.rules().stream().anyMatch(r -> r.projectFromTag() != null);
        if (wanted != null && !fromTags) {
            List<String> unknown = wanted.stream().filter(v -> !known.contains(safeProject(v))).sorted().toList();
            if (!unknown.isEmpty()) {
                throw new InvalidRequestException("no service account is registered for project "
                        + unknown.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", "))
                        + " and no allocation rule or split names it; known: "
                        + known.stream().map(ProjectId::value).collect(Collectors.joining(", ")));
            }
        }
        return new Allocator(allocation, target, new LinkedHashSet<>(registered));
    }

    private static ProjectId safeProject(String v) {
        try {
            return ProjectId.of(v);
        } catch (InvalidRequestException e) {
            return null;
        }
    }

    /**
     * @return the query to read raw costs with: the period and metric asked, no filter, grouped by the registered
     *     project and every dimension the allocation, the filters and the group-by read, DAILY when there are
     *     splits (else the granularity the asked query reads)
     */
    public CostQuery innerQuery() {
        return inner;
    }

    /**
     * @return an empty cube for the {@linkplain #innerQuery() inner query}'s cells, routing every key added to it
     *     (a store's cells) or summed into it (a live report's line items, routed as they arrive)
     */
    public CostCube newCube() {
        return new CostCube(inner.granularity(), inner.groupBy(), this);
    }

    /**
     * @param cells the cells of {@link #innerQuery()} of every account with data, in a cube of {@link #newCube()}
     * @param coverage the coverage of every registered account
     * @return the report of the target query, allocated, carrying its provenance
     */
    public CostReport allocate(CostCube cells, List<AccountCoverage> coverage) {
        Map<MoveKey, BigDecimal> moved = new LinkedHashMap<>();
        Output out = new Output(cells);
        out.distribute(moved);
        Set<ProjectId> projects = new TreeSet<>(registered);
        projects.addAll(allocation.namedProjects());
        projects.addAll(out.seen);
        Set<ProjectId> incomplete = incomplete(coverage, projects);
        projects.removeIf(p -> !target.accepts(Dimension.PROJECT, p.value()));
        Set<String> wanted = target.filters().get(Dimension.PROJECT);
        if (wanted != null) {
            wanted.stream().map(Allocator::safeProject).filter(p -> p != null).forEach(projects::add);
        }
        List<AllocationProvenance.Move> moves = new ArrayList<>();
        moved.forEach((k, v) -> {
            if (v.signum() != 0) {
                moves.add(new AllocationProvenance.Move(k.by, k.from, k.to, k.currency, v));
            }
        });
        return out.cube.toReport(target, projects, coverage)
                .withAllocation(new AllocationProvenance(allocation.fingerprint(), moves, incomplete));
    }

    /**
     * Routes every line item by the rules and divides the split sources, per UTC day, currency and source project,
     * passing each allocated part to {@code out}; sets each line item's routed project and split.
     */
    private void distribute(List<Cell> cells, Map<MoveKey, BigDecimal> moved, Emitter out) {
        Map<DayKey, BigDecimal> weights = new HashMap<>();
        Map<SourceKey, List<Cell>> splitSources = new LinkedHashMap<>();
        long[] bits = new long[Math.max(rules.words, splits.words)];
        for (Cell cell : cells) {
            String[] vals = cell.vals;
            Decision d = decide(vals, bits);
            ProjectId from = ProjectId.of(vals[0]);
            ProjectId routed = ProjectId.of(d.project);
            if (d.rule >= 0 && !from.equals(routed)) {
                moved.merge(new MoveKey(allocation.rules().get(d.rule).name(), from, routed, cell.currency),
                        cell.amount, BigDecimal::add);
            }
            cell.project = routed;
            cell.split = d.split;
            if (cell.split >= 0) {
                splitSources.computeIfAbsent(new SourceKey(cell.split, cell.day, cell.currency, routed),
                        k -> new ArrayList<>()).add(cell);
            } else {
                out.emit(cell, cell.project, cell.amount);
                weights.merge(new DayKey(cell.day, cell.currency, routed), cell.amount, BigDecimal::add);
            }
        }
        splitSources.forEach((k, split) -> divide(k, split, weights, moved, out));
    }

    /** Where a line item goes: the first rule that matched (-1: none), the project it is routed to, its split (-1: none). */
    private record Decision(int rule, String project, int split) {
    }

    /**
     * Decides a line item's route from its values as strings, as {@link Router#route} does from ids.
     *
     * @param vals the line item's value at each position of {@link #dims} (position 0: its registered project)
     * @param bits scratch, at least as many words as the rules' and the splits' bitsets
     */
    private Decision decide(String[] vals, long[] bits) {
        int rule = -1;
        if (rules.size > 0) {
            rules.start(bits);
            for (int p : ruleIndices) {
                rules.and(bits, rules.bits(p, vals[p]));
            }
            rule = rules.first(bits);
        }
        String project = rule < 0 ? vals[0] : allocation.rules().get(rule).project() != null
                ? allocation.rules().get(rule).project().value() : vals[fromTag[rule]];
        int split = -1;
        if (splits.size > 0) {
            splits.start(bits);
            for (int p : splitIndices) {
                splits.and(bits, splits.bits(p, vals[p]));
            }
            splits.and(bits, splits.bits(0, project));
            split = splits.first(bits);
        }
        return new Decision(rule, project, split);
    }

    /**
     * Allocates line items the way {@link #allocate} allocates a report's cells, for every metric at once (each
     * line item is one cell): a line item no split takes goes to its routed project whole; a split source is
     * divided among the split's targets, each target's part of every metric its share of that metric (weights of
     * that metric), so that the parts of each target of one day, currency and source project add up to its
     * contract share, exactly as in a report of that metric.
     *
     * @param records the line items of the query's period, daily, of every registered account with data
     * @param sink receives every allocated line item, in the order of {@code records}
     */
    public void allocateLineItems(List<CostRecord> records, AllocatedLineItems.Sink sink) {
        Metric[] metrics = Metric.values();
        List<Map<ProjectId, BigDecimal[]>> parts = new ArrayList<>(records.size());
        List<Cell> routedCells = null;
        for (int m = 0; m < metrics.length; m++) {
            List<Cell> cells = new ArrayList<>(records.size());
            for (int i = 0; i < records.size(); i++) {
                CostRecord r = records.get(i);
                String[] vals = new String[dims.size()];
                vals[0] = r.project().value();
                for (int d = 1; d < vals.length; d++) {
                    vals[d] = target.valueOf(dims.get(d), r);
                }
                Cell cell = new Cell(r.chargeDate(), vals, r.billedCost().currency(), columnAmount(metrics[m], r));
                cell.item = i;
                cells.add(cell);
                if (m == 0) {
                    parts.add(new LinkedHashMap<>());
                }
            }
            int metric = m;
            distribute(cells, new HashMap<>(), (cell, project, amount) -> parts.get(cell.item)
                    .computeIfAbsent(project, p -> new BigDecimal[metrics.length])[metric] = amount);
            routedCells = m == 0 ? cells : routedCells;
        }
        for (int i = 0; i < records.size(); i++) {
            CostRecord r = records.get(i);
            Cell cell = routedCells.get(i);
            if (cell.split < 0) {
                sink.accept(cell.project.equals(r.project()) ? r : r.toBuilder().project(cell.project).build(),
                        null, null);
                continue;
            }
            String split = allocation.splits().get(cell.split).name();
            Currency currency = cell.currency;
            parts.get(i).forEach((to, a) -> {
                BigDecimal billed = part(a, Metric.BILLED);
                BigDecimal effective = part(a, Metric.EFFECTIVE);
                sink.accept(r.toBuilder().project(to).usageQuantity(null)
                        .billedCost(new Money(billed, currency))
                        .effectiveCost(r.effectiveCostGiven() || effective.compareTo(billed) != 0
                                ? new Money(effective, currency) : null)
                        .listCost(r.listCost().isPresent() ? new Money(part(a, Metric.LIST), currency) : null)
                        .build(), split, cell.project);
            });
        }
    }

    /** @return a target's part of a metric; zero when the split left it none (a zero source) */
    private static BigDecimal part(BigDecimal[] parts, Metric metric) {
        BigDecimal v = parts[metric.ordinal()];
        return v == null ? BigDecimal.ZERO : v;
    }

    /** @return the line item's amount of a metric as a FOCUS export writes it (its billed cost when none) */
    private static BigDecimal columnAmount(Metric metric, CostRecord r) {
        Money m = metric == Metric.LIST ? r.listCost().orElse(r.billedCost()) : metric.of(r);
        return m.amount();
    }

    /** Divides one split's source of one day, currency and source project among its targets. */
    private void divide(SourceKey k, List<Cell> cells, Map<DayKey, BigDecimal> weightOf,
                        Map<MoveKey, BigDecimal> moved, Emitter out) {
        Allocation.Split split = allocation.splits().get(k.split);
        List<ProjectId> to = split.to();
        int n = to.size();
        BigDecimal[] w = new BigDecimal[n];
        for (int i = 0; i < n; i++) {
            w[i] = switch (split.method()) {
                case EVEN -> BigDecimal.ONE;
                case FIXED -> split.percents().get(i);
                case PROPORTIONAL -> weightOf.getOrDefault(new DayKey(k.day, k.currency, to.get(i)), BigDecimal.ZERO)
                        .max(BigDecimal.ZERO);
            };
        }
        BigDecimal total = Arrays.stream(w).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (total.signum() == 0) {
            Arrays.fill(w, BigDecimal.ONE);
            total = BigDecimal.valueOf(n);
        }
        int largest = 0;
        for (int i = 1; i < n; i++) {
            if (w[i].compareTo(w[largest]) > 0) {
                largest = i;
            }
        }
        BigDecimal s = BigDecimal.ZERO;
        int largestCell = 0;
        for (int c = 0; c < cells.size(); c++) {
            s = s.add(cells.get(c).amount);
            if (cells.get(c).amount.compareTo(cells.get(largestCell).amount) > 0) {
                largestCell = c;
            }
        }
        BigDecimal[] rest = new BigDecimal[cells.size()];
        for (int c = 0; c < cells.size(); c++) {
            rest[c] = cells.get(c).amount;
        }
        BigDecimal others = BigDecimal.ZERO;
        for (int i = 0; i < n; i++) {
            if (i == largest) {
                continue;
            }
            BigDecimal share = s.multiply(w[i]).divide(total, SCALE, RoundingMode.HALF_EVEN);
            others = others.add(share);
            record(moved, split.name(), k, to.get(i), share);
            if (s.signum() == 0) {
                continue;
            }
            BigDecimal spread = BigDecimal.ZERO;
            for (int c = 0; c < cells.size(); c++) {
                if (c == largestCell) {
                    continue;
                }
                BigDecimal part = share.multiply(cells.get(c).amount).divide(s, SCALE, RoundingMode.HALF_EVEN);
                spread = spread.add(part);
                rest[c] = rest[c].subtract(part);
                out.emit(cells.get(c), to.get(i), part);
            }
            BigDecimal part = share.subtract(spread);
            rest[largestCell] = rest[largestCell].subtract(part);
            out.emit(cells.get(largestCell), to.get(i), part);
        }
        record(moved, split.name(), k, to.get(largest), s.subtract(others));
        for (int c = 0; c < cells.size(); c++) {
            out.emit(cells.get(c), to.get(largest), rest[c]);
        }
    }

    private static void record(Map<MoveKey, BigDecimal> moved, String by, SourceKey k, ProjectId to, BigDecimal v) {
        if (!k.project.equals(to)) {
            moved.merge(new MoveKey(by, k.project, to, k.currency), v, BigDecimal::add);
        }
    }

    /**
     * @return every project a failed, pending or partly covered account's costs could have reached: its own, the
     *     projects of the rules that could match it, and the targets of the splits whose source could take them
     *     (or, for a proportional split, whose targets' weights they could change); every project when a rule
     *     that takes its project from a tag could match it
     */
    private Set<ProjectId> incomplete(List<AccountCoverage> coverage, Set<ProjectId> all) {
        Set<ProjectId> out = new TreeSet<>();
        for (AccountCoverage c : coverage) {
            if (c.status().contributed() && c.code() != CoverageStatus.PARTIAL) {
                continue;
            }
            Map<Dimension, String> known = Map.of(Dimension.PROVIDER, c.provider().value(),
                    Dimension.SERVICE_ACCOUNT, c.serviceAccount().value(), Dimension.PROJECT, c.project().value());
            Set<ProjectId> reach = new LinkedHashSet<>();
            boolean everywhere = false;
            boolean certain = false;
            for (Allocation.Rule r : allocation.rules()) {
                if (!possible(r.when(), known)) {
                    continue;
                }
                if (r.project() == null) {
                    everywhere = true;
                    continue;
                }
                reach.add(r.project());
                if (known.keySet().containsAll(r.when().keySet())) {
                    certain = true;
                    break;
                }
            }
            if (everywhere) {
                return new TreeSet<>(all);
            }
            if (!certain) {
                reach.add(c.project());
            }
            boolean grew = true;
            while (grew) {
                grew = false;
                for (Allocation.Split s : allocation.splits()) {
                    Set<String> fromProjects = s.from().get(Dimension.PROJECT);
                    Map<Dimension, Set<String>> accountLevel = new HashMap<>(s.from());
                    accountLevel.remove(Dimension.PROJECT);
                    boolean source = possible(accountLevel, known) && (fromProjects == null
                            || reach.stream().anyMatch(p -> fromProjects.contains(p.value())));
                    boolean weighs = s.method() == Allocation.Method.PROPORTIONAL
                            && s.to().stream().anyMatch(reach::contains);
                    if (source || weighs) {
                        grew |= reach.addAll(s.to());
                    }
                }
            }
            out.addAll(reach);
        }
        return out;
    }

    private static boolean possible(Map<Dimension, Set<String>> conditions, Map<Dimension, String> known) {
        for (Map.Entry<Dimension, Set<String>> e : conditions.entrySet()) {
            String v = known.get(e.getKey());
            if (v != null && !e.getValue().contains(v)) {
                return false;
            }
        }
        return true;
    }

    /** Where {@link #distribute} passes each allocated part of a cell. */
    @FunctionalInterface
    private interface Emitter {
        void emit(Cell cell, ProjectId project, BigDecimal amount);
    }

    /**
     * Which of an ordered list of rules (or splits) accept a line item: each condition is decided once per distinct
     * value of its dimension, as a bitset of the entries that accept it, and a line item's entries are the AND of
     * its values' bitsets, the first set bit deciding. Thread-safe.
     */
    private final class Decider {
        final int size;
        final int words;
        private final List<Map<Dimension, Set<String>>> conditions;
        /** Per entry: a dimension whose value must also be a valid project id (a rule's projectFromTag), or null. */
        private final Dimension[] validProject;
        /** Per position of {@link #dims}: the bitset of each value seen. */
        private final List<Map<String, long[]>> byValue = new ArrayList<>();

        Decider(List<Map<Dimension, Set<String>>> conditions, Dimension[] validProject) {
            this.size = conditions.size();
            this.words = (size + 63) >>> 6;
            this.conditions = conditions;
            this.validProject = validProject;
            for (int p = 0; p < dims.size(); p++) {
                byValue.add(new ConcurrentHashMap<>());
            }
        }

        /**
         * @return the entries accepting {@code value} at a position of {@link #dims} (for splits, position 0 is the
         *     routed project)
         */
        long[] bits(int position, String value) {
            Map<String, long[]> known = byValue.get(position);
            long[] bits = known.get(value);
            if (bits == null) {
                Dimension d = dims.get(position);
                bits = new long[words];
                for (int i = 0; i < size; i++) {
                    Set<String> accepted = conditions.get(i).get(d);
                    boolean ok = (accepted == null || accepted.contains(value))
                            && (!d.equals(validProject[i]) || (!value.isEmpty() && safeProject(value) != null));
                    if (ok) {
                        bits[i >>> 6] |= 1L << i;
                    }
                }
                known.put(value, bits);
            }
            return bits;
        }

        void start(long[] acc) {
            Arrays.fill(acc, 0, words, -1L);
        }

        void and(long[] acc, long[] bits) {
            for (int w = 0; w < words; w++) {
                acc[w] &= bits[w];
            }
        }

        /** @return the first entry set, or -1 */
        int first(long[] acc) {
            for (int w = 0; w < words; w++) {
                if (acc[w] != 0) {
                    return (w << 6) + Long.numberOfTrailingZeros(acc[w]);
                }
            }
            return -1;
        }
    }

    /**
     * Routes keys of the {@linkplain #newCube() inner cube}'s layout: a line item's (live) or a store's cell's. The
     * rules and the splits are decided from the bitsets of the key's values, each looked up once per distinct value
     * id; the route columns are set and every value the asked query does not tell apart (all but the registered
     * project and the asked group-by and filters) is zeroed, so that the cells are only as many as the report
     * needs. Not thread-safe: one per thread.
     */
    final class Router {
        private final CostCube cube;
        private final long[] acc = new long[Math.max(1, Math.max(rules.words, splits.words))];
        private final BitsCache[] ruleBits = new BitsCache[dims.size()];
        private final BitsCache[] splitBits = new BitsCache[dims.size()];
        private final BitsCache splitBitsOfProject = new BitsCache();
        private final IdCache routedOfRegistered = new IdCache();

        private Router(CostCube cube) {
            this.cube = cube;
            for (int p : ruleIndices) {
                ruleBits[p] = new BitsCache();
            }
            for (int p : splitIndices) {
                splitBits[p] = new BitsCache();
            }
        }

        /**
         * @param from a key with the values of {@link #dims} as ids of the cube's group-by dictionaries from
         *     {@code from[at]}, then the route columns (ignored), then anything
         * @param to receives {@code from}, routed
         */
        void route(int[] from, int at, int[] to) {
            System.arraycopy(from, 0, to, 0, from.length);
            int registered = from[at];
            int rule = -1;
            if (rules.size > 0) {
                rules.start(acc);
                for (int p : ruleIndices) {
                    rules.and(acc, ruleBits[p].get(rules, p, from[at + p]));
                }
                rule = rules.first(acc);
            }
            int project;
            if (rule < 0) {
                project = routedOfRegistered.get(registered);
                if (project < 0) {
                    project = routedOfRegistered.put(registered, routedProjects.id(value(0, registered)));
                }
            } else {
                project = ruleTarget[rule];
                if (project < 0) {
                    project = routedProjects.id(value(fromTag[rule], from[at + fromTag[rule]]));
                }
            }
            int split = -1;
            if (splits.size > 0) {
                splits.start(acc);
                for (int p : splitIndices) {
                    splits.and(acc, splitBits[p].get(splits, p, from[at + p]));
                }
                long[] bits = splitBitsOfProject.cached(project);
                if (bits == null) {
                    bits = splitBitsOfProject.put(project, splits.bits(0, routedProjects.value(project)));
                }
                splits.and(acc, bits);
                split = splits.first(acc);
            }
            for (int p = 1; p < dims.size(); p++) {
                if (!keep[p]) {
                    to[at + p] = 0;
                }
            }
            int route = at + dims.size();
            to[route] = project;
            to[route + 1] = rule + 1;
            to[route + 2] = split + 1;
        }

        private String value(int position, int id) {
            return cube.values(position).value(id);
        }

        /**
         * The bitsets of the last values seen at one position, by id: a direct-mapped cache, small since a live
         * report has a router per account.
         */
        private final class BitsCache {
            private static final int SLOTS = 64;
            private final int[] ids = new int[SLOTS];
            private final long[][] bits = new long[SLOTS][];

            BitsCache() {
                Arrays.fill(ids, -1);
            }

            long[] get(Decider decider, int position, int id) {
                long[] b = cached(id);
                return b != null ? b : put(id, decider.bits(position, value(position, id)));
            }

            long[] cached(int id) {
                int slot = id & (SLOTS - 1);
                return ids[slot] == id ? bits[slot] : null;
            }

            long[] put(int id, long[] b) {
                int slot = id & (SLOTS - 1);
                ids[slot] = id;
                bits[slot] = b;
                return b;
            }
        }
    }

    /** @return how a store that aggregates line items itself routes them, for one aggregation (one thread) */
    StoreRouting storeRouting() {
        return new StoreRouting();
    }

    /**
     * Routing inside a store's aggregation of the {@linkplain #innerQuery() inner query}. The store groups line items
     * by their registered project, the values the asked query tells apart ({@link #kept()}) and their route, a
     * dense id ({@link #route}) of the routed project, rule and split; {@link #addTo} adds those sums to the inner
     * cube as the routed keys of a live report, so that the store hands over as many cells as the allocated report
     * needs. The store decides a line item's rule and split as a live report does, by ANDing the bitsets of its
     * values ({@link #ruleBits}, {@link #splitBits}: of each of {@link #reads()} and of the registered project), one
     * per distinct value, then its project ({@link #target}, or the tag's value for a rule taking it from a tag).
     * Not thread-safe.
     */
    final class StoreRouting {
        /** The positions in {@link #dims} the rules and the splits read besides the registered project, ascending. */
        private final int[] readAt;
        /**
         * The positions in {@link #dims} of the values the store groups by: those the asked query tells apart, or, when
         * its rows are the raw rows ({@link #rowsQuery()}), those it filters by.
         */
        private final int[] keptHere;
        /** See {@link #rowsQuery()}. */
        private final Optional<CostQuery> rowsQuery;
        private final int splitsPlusOne = allocation.splits().size() + 1;
        /** Per routed project id: per (rule + 1) × splits + split + 1, the route's dense id, or -1. */
        private int[][] routeOf = new int[0][];
        /** Per route id: the routed project id, rule + 1 and split + 1. */
        private int[] routes = new int[ROUTE_COLUMNS * 16];
        private int count;

        private StoreRouting() {
            Set<Integer> read = new TreeSet<>();
            Arrays.stream(ruleIndices).forEach(read::add);
            Arrays.stream(splitIndices).forEach(read::add);
            read.remove(0);
            this.readAt = read.stream().mapToInt(Integer::intValue).toArray();
            this.rowsQuery = target.groupBy().isEmpty() || target.groupBy().contains(Dimension.PROJECT)
                    || target.filters().containsKey(Dimension.PROJECT) ? Optional.empty()
                    : Optional.of(target.toBuilder().rawCosts(true).build());
            this.keptHere = rowsQuery.isEmpty() ? kept : filtered;
        }

        /**
         * @return the asked query, raw, when its rows are those of the allocated report: it neither groups nor filters
         *     by project, and an allocation moves costs between projects only (each split's parts of a cell add up to
         *     the cell); the store then hands over those rows ({@link CostCube#targetRows}) and routed cells that the
         *     asked query's group-by values do not tell apart, for the projects' series
         */
        Optional<CostQuery> rowsQuery() {
            return rowsQuery;
        }

        /** @return the dimensions the rules and the splits read besides the registered project */
        List<Dimension> reads() {
            return Arrays.stream(readAt).mapToObj(dims::get).toList();
        }

        /**
         * @return the dimensions the store groups by besides the registered project and the route: those the asked
         *     query tells apart besides the project, or only those it filters by when {@link #rowsQuery()} gives its rows
         */
        List<Dimension> kept() {
            return Arrays.stream(keptHere).mapToObj(dims::get).toList();
        }

        /** @return the number of rules */
        int rules() {
            return allocation.rules().size();
        }

        /** @return the words of a rule bitset (0 without rules) */
        int ruleWords() {
            return rules.words;
        }

        /** @return the words of a split bitset (0 without splits) */
        int splitWords() {
            return splits.words;
        }

        /**
         * @param read an index of {@link #reads()}, or -1 for the registered project
         * @return the rules accepting the value there
         */
        long[] ruleBits(int read, String value) {
            return rules.bits(read < 0 ? 0 : readAt[read], value);
        }

        /** @return the splits accepting a value of one of {@link #reads()} */
        long[] splitBits(int read, String value) {
            return splits.bits(readAt[read], value);
        }

        /** @return the splits whose source accepts a routed project (an id of {@link #project}) */
        long[] splitBitsOfProject(int project) {
            return splits.bits(0, routedProjects.value(project));
        }

        /** @return the routed project id of a rule's fixed project, or -1 when the rule takes it from a tag */
        int target(int rule) {
            return ruleTarget[rule];
        }

        /** @return for a rule taking its project from a tag, the index in {@link #reads()} of that tag, else -1 */
        int fromTag(int rule) {
            return fromTag[rule] < 0 ? -1 : Arrays.binarySearch(readAt, fromTag[rule]);
        }

        /** @return the routed project id of a project */
        int project(String project) {
            return routedProjects.id(project);
        }

        /** @return the dense id of a route: a routed project id, a rule (-1: none) and a split (-1: none) */
        int route(int project, int rule, int split) {
            if (project >= routeOf.length) {
                routeOf = Arrays.copyOf(routeOf, Math.max(project + 1, routeOf.length * 2));
            }
            int[] of = routeOf[project];
            if (of == null) {
                of = routeOf[project] = new int[(allocation.rules().size() + 1) * splitsPlusOne];
                Arrays.fill(of, -1);
            }
            int at = (rule + 1) * splitsPlusOne + split + 1;
            if (of[at] < 0) {
                if (ROUTE_COLUMNS * (count + 1) > routes.length) {
                    routes = Arrays.copyOf(routes, routes.length * 2);
                }
                routes[ROUTE_COLUMNS * count] = project;
                routes[ROUTE_COLUMNS * count + 1] = rule + 1;
                routes[ROUTE_COLUMNS * count + 2] = split + 1;
                of[at] = count++;
            }
            return of[at];
        }

        /** @return how many routes {@link #route} gave ids */
        int routes() {
            return count;
        }

        /**
         * Adds sums a store routed to a cube of {@link #newCube()}, as {@link Router#route} would have routed them.
         *
         * @param block key columns: the registered project, the values of {@link #kept()}, the route's id
         */
        void addTo(CostCube cube, CostCellColumns block) {
            int n = block.size();
            int[] kept = keptHere;
            int columns = 2 + kept.length;
            if (block.columns() != columns) {
                throw new IllegalArgumentException("expected " + columns + " key columns, got " + block.columns());
            }
            int width = cube.width();
            int route = 2 + dims.size();
            int[] key = new int[width];
            int[][] ids = new int[columns - 1][];
            for (int k = 0; k < columns - 1; k++) {
                ids[k] = new int[block.codes(k)];
                Arrays.fill(ids[k], -1);
            }
            int[] projectOf = new int[block.codes(0)];
            Currency lastCurrency = null;
            int lastCurrencyId = -1;
            for (int c = 0; c < n; c++) {
                key[0] = (int) block.bucket(c).toEpochDay();
                int code = block.code(c, 0);
                if (ids[0][code] < 0) {
                    String registered = block.value(0, code);
                    ids[0][code] = cube.values(0).id(registered);
                    projectOf[code] = cube.projects.id(registered);
                }
                key[1] = projectOf[code];
                key[2] = ids[0][code];
                for (int k = 0; k < kept.length; k++) {
                    code = block.code(c, 1 + k);
                    int id = ids[1 + k][code];
                    key[2 + kept[k]] = id >= 0 ? id : (ids[1 + k][code] = cube.values(kept[k]).id(block.value(1 + k,
                            code)));
                }
                System.arraycopy(routes, ROUTE_COLUMNS * block.code(c, columns - 1), key, route, ROUTE_COLUMNS);
                Currency currency = block.currency(c);
                if (currency != lastCurrency) {
                    lastCurrency = currency;
                    lastCurrencyId = cube.currencyId(currency);
                }
                key[width - 1] = lastCurrencyId;
                long units = block.units(c);
                int scale = block.scale(c);
                if (units == Long.MIN_VALUE || scale < 0 || scale > Scales.MAX_SCALE) {
                    cube.addRow(key, 0, 0, block.sum(c));
                } else {
                    cube.addRow(key, units, scale, null);
                }
            }
        }
    }

    /**
     * @param cube a cube of {@link #newCube()}
     * @return a router of that cube's keys, for one thread
     */
    Router router(CostCube cube) {
        return new Router(cube);
    }

    /**
     * A report's allocation: the routed cells of the inner cube are summed into the asked query's cube, as exact
     * scaled longs, or divided among the split targets.
     */
    private final class Output implements Emitter {
        final CostCube cube = new CostCube(target.granularity(), target.groupBy());
        final Set<ProjectId> seen = new LinkedHashSet<>();
        private final CostCube inner;
        /** The inner cube's routed cells: (bucket, values of {@link #dims}, route columns, currency). */
        private final CellSums routed;
        /** Where the route columns start in {@link #routed}. */
        private final int route = 1 + dims.size();
        private final List<Dimension> groupBy = target.groupBy();
        private final Dimension[] filters = target.filters().keySet().toArray(Dimension[]::new);
        /** Per filter: its position in {@link #dims}, or -1 for the project. */
        private final int[] filterAt = new int[filters.length];
        /** Per group-by dimension: its position in {@link #dims}, or -1 for the project. */
        private final int[] groupAt = new int[groupBy.size()];
        private final IdCache[] accepts = new IdCache[filters.length];
        private final IdCache[] targetValue = new IdCache[groupBy.size()];
        private final IdCache targetProject = new IdCache();
        private final IdCache targetCurrency = new IdCache();
        private final Map<Integer, Integer> targetBucket = new HashMap<>();
        /** The last routed cell's bucket and the asked query's bucket of it. */
        private int lastDay = Integer.MIN_VALUE;
        private int lastBucket;
        /** Per id of {@link #routedProjects}: its project, once made. */
        private ProjectId[] routedProjectIds = new ProjectId[16];
        private boolean[] seenIds = new boolean[16];
        private final int[] key;
        /** Whether the rows were given (a store's raw rows): the routed cells then make the projects' series only. */
        private final boolean rowsGiven;
        /** The positions in {@link #dims} the routed cells tell apart besides the registered project. */
        private final int[] kept;

        Output(CostCube inner) {
            this.inner = inner;
            this.routed = inner.rowCells();
            this.rowsGiven = inner.targetRows() != null;
            this.kept = rowsGiven ? filtered : Allocator.this.kept;
            if (rowsGiven) {
                inner.targetRows().forEach(cube::rows);
            }
            this.key = new int[cube.width()];
            for (int f = 0; f < filters.length; f++) {
                filterAt[f] = filters[f] == Dimension.PROJECT ? -1 : index.get(filters[f]);
                accepts[f] = new IdCache();
            }
            for (int k = 0; k < groupBy.size(); k++) {
                groupAt[k] = groupBy.get(k) == Dimension.PROJECT ? -1 : index.get(groupBy.get(k));
                targetValue[k] = new IdCache();
            }
        }

        /** @return the value of a dictionary id at a position of {@link #dims} */
        private String value(int position, int id) {
            return inner.values(position).value(id);
        }

        /**
         * Sums the routed cells no split takes into the cube, records what the rules moved and the proportional
         * weights, and divides the split sources.
         */
        void distribute(Map<MoveKey, BigDecimal> moved) {
            CellSums moves = new CellSums(4);
            boolean proportional = allocation.splits().stream()
                    .anyMatch(s -> s.method() == Allocation.Method.PROPORTIONAL);
            CellSums weights = proportional ? new CellSums(3) : null;
            Map<SourceKey, List<Integer>> sources = new LinkedHashMap<>();
            int currencyAt = routed.width() - 1;
            int[] moveKey = new int[4];
            int[] weightKey = new int[3];
            int[] ids = new int[dims.size()];
            for (int c = 0, n = routed.size(); c < n; c++) {
                int registered = routed.key(c, 1);
                int to = routed.key(c, route);
                int rule = routed.key(c, route + 1) - 1;
                int split = routed.key(c, route + 2) - 1;
                int currency = routed.key(c, currencyAt);
                int scale = routed.scale(currency);
                long units = scale < 0 ? 0 : routed.units(c);
                BigDecimal big = routed.big(c);
                if (rule >= 0 && !value(0, registered).equals(routedProjects.value(to))) {
                    moveKey[0] = rule;
                    moveKey[1] = registered;
                    moveKey[2] = to;
                    moveKey[3] = currency;
                    CostCube.add(moves, moves.cell(moveKey), currency, units, Math.max(0, scale), big);
                }
                if (split >= 0) {
                    sources.computeIfAbsent(new SourceKey(split, LocalDate.ofEpochDay(routed.key(c, 0)),
                            inner.currency(currency), routedProject(to)),
                            s -> new ArrayList<>()).add(c);
                    continue;
                }
                see(to);
                if (weights != null) {
                    weightKey[0] = routed.key(c, 0);
                    weightKey[1] = to;
                    weightKey[2] = currency;
                    CostCube.add(weights, weights.cell(weightKey), currency, units, Math.max(0, scale), big);
                }
                for (int j : kept) {
                    ids[j] = routed.key(c, 1 + j);
                }
                if (targetKey(routed.key(c, 0), to, ids, currency)) {
                    cube.add(key, units, Math.max(0, scale), big, !rowsGiven);
                }
            }
            for (int c = 0; c < moves.size(); c++) {
                moved.merge(new MoveKey(allocation.rules().get(moves.key(c, 0)).name(),
                        ProjectId.of(value(0, moves.key(c, 1))), routedProject(moves.key(c, 2)),
                        inner.currency(moves.key(c, 3))), moves.value(c), BigDecimal::add);
            }
            Map<DayKey, BigDecimal> weightOf = new HashMap<>();
            for (int c = 0; weights != null && c < weights.size(); c++) {
                weightOf.put(new DayKey(LocalDate.ofEpochDay(weights.key(c, 0)), inner.currency(weights.key(c, 2)),
                        routedProject(weights.key(c, 1))), weights.value(c));
            }
            sources.forEach((k, cells) -> divide(k, sourceCells(k, cells), weightOf, moved, this));
            for (int p = 0; p < seenIds.length; p++) {
                if (seenIds[p]) {
                    seen.add(routedProject(p));
                }
            }
        }

        /**
         * @return a split source's routed cells, those the asked query cannot tell apart merged, in the order of
         *     their values as strings (the asked group-by, then the filters)
         */
        private List<Cell> sourceCells(SourceKey k, List<Integer> cells) {
            Integer[] order = cells.toArray(Integer[]::new);
            Arrays.sort(order, (a, b) -> {
                for (int j : kept) {
                    int c = value(j, routed.key(a, 1 + j)).compareTo(value(j, routed.key(b, 1 + j)));
                    if (c != 0) {
                        return c;
                    }
                }
                return 0;
            });
            List<Cell> out = new ArrayList<>();
            int[] last = null;
            BigDecimal sum = null;
            for (int c : order) {
                int[] ids = new int[dims.size()];
                for (int j : kept) {
                    ids[j] = routed.key(c, 1 + j);
                }
                if (last != null && !Arrays.equals(last, ids)) {
                    out.add(sourceCell(k, last, sum));
                    sum = null;
                }
                last = ids;
                sum = sum == null ? routed.value(c) : sum.add(routed.value(c));
            }
            if (last != null) {
                out.add(sourceCell(k, last, sum));
            }
            return out;
        }

        private Cell sourceCell(SourceKey k, int[] ids, BigDecimal sum) {
            Cell cell = new Cell(k.day, null, k.currency, sum);
            cell.ids = ids;
            return cell;
        }

        /** @return the project of an id of {@link #routedProjects} */
        private ProjectId routedProject(int id) {
            if (id >= routedProjectIds.length) {
                routedProjectIds = Arrays.copyOf(routedProjectIds, Math.max(routedProjectIds.length * 2, id + 1));
            }
            ProjectId p = routedProjectIds[id];
            if (p == null) {
                p = ProjectId.of(routedProjects.value(id));
                routedProjectIds[id] = p;
            }
            return p;
        }

        private void see(int project) {
            if (project >= seenIds.length) {
                seenIds = Arrays.copyOf(seenIds, Math.max(seenIds.length * 2, project + 1));
            }
            seenIds[project] = true;
        }

        @Override
        public void emit(Cell cell, ProjectId project, BigDecimal amount) {
            if (amount.signum() == 0 && cell.amount.signum() != 0) {
                return;
            }
            int to = routedProjects.id(project.value());
            see(to);
            if (targetKey((int) cell.day.toEpochDay(), to, cell.ids, inner.currencyId(cell.currency))) {
                cube.add(key, amount, !rowsGiven);
            }
        }

        /**
         * Fills {@link #key} with the cube's cell of a routed cell, unless the asked query's filters refuse it.
         *
         * @param day the routed cell's bucket (its first day)
         * @param to the routed project
         * @param ids the values of {@link #dims} (those kept are read)
         * @param currency the inner cube's currency id
         * @return whether the filters accept it
         */
        private boolean targetKey(int day, int to, int[] ids, int currency) {
            for (int f = 0; f < filters.length; f++) {
                int at = filterAt[f];
                int id = at < 0 ? to : ids[at];
                int ok = accepts[f].get(id);
                if (ok < 0) {
                    ok = accepts[f].put(id, target.accepts(filters[f], at < 0 ? routedProjects.value(to)
                            : value(at, id)) ? 1 : 0);
                }
                if (ok == 0) {
                    return false;
                }
            }
            if (day != lastDay) {
                lastBucket = targetBucket.computeIfAbsent(day,
                        d -> (int) target.granularity().bucketStart(LocalDate.ofEpochDay(d)).toEpochDay());
                lastDay = day;
            }
            key[0] = lastBucket;
            int p = targetProject.get(to);
            key[1] = p >= 0 ? p : targetProject.put(to, cube.projects.id(routedProjects.value(to)));
            for (int g = 0; g < groupBy.size() && !rowsGiven; g++) {
                int at = groupAt[g];
                int id = at < 0 ? to : ids[at];
                int v = targetValue[g].get(id);
                key[2 + g] = v >= 0 ? v : targetValue[g].put(id, cube.keyValues[g].id(at < 0
                        ? routedProjects.value(to) : value(at, id)));
            }
            int cur = targetCurrency.get(currency);
            key[key.length - 1] = cur >= 0 ? cur
                    : targetCurrency.put(currency, cube.currencyId(inner.currency(currency)));
            return true;
        }
    }

    /** Non-negative ints by non-negative int id, -1 when unknown; grows as needed. */
    private static final class IdCache {
        private int[] values = new int[0];

        int get(int id) {
            return id < values.length ? values[id] : -1;
        }

        int put(int id, int value) {
            if (id >= values.length) {
                int old = values.length;
                values = Arrays.copyOf(values, Math.max(old * 2, Math.max(16, id + 1)));
                Arrays.fill(values, old, values.length, -1);
            }
            values[id] = value;
            return value;
        }
    }

    /** One raw cell: a bucket, the values of {@link #dims}, a currency and its exact sum. */
    private static final class Cell {
        final LocalDate day;
        final String[] vals;
        final Currency currency;
        final BigDecimal amount;
        ProjectId project;
        int split;
        int item;
        /** For a report's split source: the ids of the asked query's kept values in the inner cube. */
        int[] ids;

        Cell(LocalDate day, String[] vals, Currency currency, BigDecimal amount) {
            this.day = day;
            this.vals = vals;
            this.currency = currency;
            this.amount = amount;
        }
    }

    private record MoveKey(String by, ProjectId from, ProjectId to, Currency currency) {
    }

    private record DayKey(LocalDate day, Currency currency, ProjectId project) {
    }

    private record SourceKey(int split, LocalDate day, Currency currency, ProjectId project) {
    }
}
