package dev.billing.core.internal;

import dev.billing.core.AccountCoverage;
import dev.billing.core.AllocatedLineItems;
import dev.billing.core.Allocation;
import dev.billing.core.AllocationProvenance;
import dev.billing.core.CostQuery;
import dev.billing.core.CostRecord;
import dev.billing.core.CostReport;
import dev.billing.core.CostRow;
import dev.billing.core.CoverageStatus;
import dev.billing.core.Dimension;
import dev.billing.core.Granularity;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.Metric;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.spi.CostCell;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Applies an {@link Allocation} to a report, as a separate step after the costs are summed: the costs are read
 * (live or from a store) with an {@linkplain #innerQuery() inner query} grouped by the registered project and by
 * every dimension the rules, splits, filters and group-by read (DAILY when there are splits), each cell is routed
 * by the rules (decided once per distinct combination of the values they read), the split sources are divided
 * per UTC day, currency and source project, and the report the query asked for is summed from the allocated
 * cells.
 *
 * <p>A split's share for each target is exact per the contract ({@code S × w / Σw} rounded half-even to 10
 * places, the largest-weight target taking the remainder). So that a project's breakdown shows what it received,
 * each target's share is spread over the source's cells in proportion to their amounts (rounded the same way,
 * the largest cell taking the remainder), and the largest-weight target takes, per cell, what the others left:
 * every target total is its contract share and every cell's parts add up to the cell.
 */
public final class Allocator {
    private static final int SCALE = 10;

    private final Allocation allocation;
    private final CostQuery target;
    private final CostQuery inner;
    private final List<Dimension> dims;
    private final Map<Dimension, Integer> index = new HashMap<>();
    private final Set<ProjectId> registered;
    private final int[] ruleIndices;
    private final int[] splitIndices;

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
        CostQuery.Builder b = CostQuery.builder(target.period())
                .granularity(allocation.splits().isEmpty() ? target.granularity() : Granularity.DAILY)
                .metric(target.metric()).groupBy(dims.toArray(Dimension[]::new)).rawCosts(true);
        target.tagAliases().ifPresent(b::tagAliases);
        this.inner = b.build();
    }

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
     * @param raw the report of {@link #innerQuery()}, with the coverage of every registered account
     * @return the report of the target query, allocated, carrying its provenance
     */
    public CostReport allocate(CostReport raw) {
        Map<MoveKey, BigDecimal> moved = new LinkedHashMap<>();
        List<Cell> cells = new ArrayList<>(raw.rows().size());
        for (CostRow row : raw.rows()) {
            Money amount = row.amount();
            cells.add(new Cell(row.start(), row.keys().values().toArray(String[]::new), amount.currency(),
                    amount.amount()));
        }
        Output out = new Output();
        distribute(cells, moved, out);
        Set<ProjectId> projects = new TreeSet<>(registered);
        projects.addAll(allocation.namedProjects());
        projects.addAll(out.seen);
        Set<ProjectId> incomplete = incomplete(raw.coverage(), projects);
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
        return out.cube.toReport(target, projects, raw.coverage())
                .withAllocation(new AllocationProvenance(allocation.fingerprint(), moves, incomplete));
    }

    /**
     * Routes every cell by the rules and divides the split sources, per UTC day, currency and source project,
     * passing each allocated part to {@code out}; sets each cell's routed project and split.
     */
    private void distribute(List<Cell> cells, Map<MoveKey, BigDecimal> moved, Emitter out) {
        Map<List<String>, Routed> routes = new HashMap<>();
        Map<List<String>, Integer> sources = new HashMap<>();
        Map<DayKey, BigDecimal> weights = new HashMap<>();
        Map<SourceKey, List<Cell>> splitSources = new LinkedHashMap<>();
        for (Cell cell : cells) {
            String[] vals = cell.vals;
            Routed routed = routes.computeIfAbsent(key(vals, ruleIndices, null), k -> route(vals));
            if (routed.rule >= 0) {
                ProjectId from = ProjectId.of(vals[0]);
                if (!from.equals(routed.project)) {
                    moved.merge(new MoveKey(allocation.rules().get(routed.rule).name(), from, routed.project,
                            cell.currency), cell.amount, BigDecimal::add);
                }
            }
            cell.project = routed.project;
            cell.split = sources.computeIfAbsent(key(vals, splitIndices, routed.project.value()),
                    k -> source(vals, routed.project));
            if (cell.split >= 0) {
                splitSources.computeIfAbsent(new SourceKey(cell.split, cell.day, cell.currency, routed.project),
                        k -> new ArrayList<>()).add(cell);
            } else {
                out.emit(cell, cell.project, cell.amount);
                weights.merge(new DayKey(cell.day, cell.currency, routed.project), cell.amount, BigDecimal::add);
            }
        }
        splitSources.forEach((k, split) -> divide(k, split, weights, moved, out));
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

    private static List<String> key(String[] vals, int[] indices, String first) {
        String[] k = new String[indices.length + (first == null ? 0 : 1)];
        int j = 0;
        if (first != null) {
            k[j++] = first;
        }
        for (int i : indices) {
            k[j++] = vals[i];
        }
        return Arrays.asList(k);
    }

    private Routed route(String[] vals) {
        Function<Dimension, String> values = d -> vals[index.get(d)];
        List<Allocation.Rule> rules = allocation.rules();
        for (int r = 0; r < rules.size(); r++) {
            Allocation.Rule rule = rules.get(r);
            if (rule.matches(values)) {
                ProjectId to = rule.target(values);
                if (to != null) {
                    return new Routed(r, to);
                }
            }
        }
        return new Routed(-1, ProjectId.of(vals[0]));
    }

    private int source(String[] vals, ProjectId routed) {
        Function<Dimension, String> values = d -> d == Dimension.PROJECT ? routed.value() : vals[index.get(d)];
        List<Allocation.Split> splits = allocation.splits();
        for (int s = 0; s < splits.size(); s++) {
            if (splits.get(s).matches(values)) {
                return s;
            }
        }
        return -1;
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

    /** The allocated cells, filtered by the asked query and summed into its cube. */
    private final class Output implements Emitter {
        final CostCube cube = new CostCube(target.granularity(), target.groupBy());
        final Set<ProjectId> seen = new LinkedHashSet<>();
        private final Dimension[] filters = target.filters().keySet().toArray(Dimension[]::new);
        private final List<Dimension> groupBy = target.groupBy();

        @Override
        public void emit(Cell cell, ProjectId project, BigDecimal amount) {
            if (amount.signum() == 0 && cell.amount.signum() != 0) {
                return;
            }
            seen.add(project);
            for (Dimension d : filters) {
                if (!target.accepts(d, value(cell, project, d))) {
                    return;
                }
            }
            List<String> keys = new ArrayList<>(groupBy.size());
            for (Dimension d : groupBy) {
                keys.add(value(cell, project, d));
            }
            cube.add(new CostCell(cell.day, project, keys, new Money(amount, cell.currency)));
        }

        private String value(Cell cell, ProjectId project, Dimension d) {
            return d == Dimension.PROJECT ? project.value() : cell.vals[index.get(d)];
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

        Cell(LocalDate day, String[] vals, Currency currency, BigDecimal amount) {
            this.day = day;
            this.vals = vals;
            this.currency = currency;
            this.amount = amount;
        }
    }

    private record Routed(int rule, ProjectId project) {
    }

    private record MoveKey(String by, ProjectId from, ProjectId to, Currency currency) {
    }

    private record DayKey(LocalDate day, Currency currency, ProjectId project) {
    }

    private record SourceKey(int split, LocalDate day, Currency currency, ProjectId project) {
    }
}
