package dev.billing.core.internal;

import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.spi.CostCell;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Every window's exact totals per project and currency, one row per (window, project, currency), in
 * flat arrays: the roll-up {@link InMemoryCostStore} answers whole-month dashboard queries from. A
 * query over 10,000 accounts reads a few primitive arrays front to back instead of chasing a few
 * objects per window. A replaced window's rows are marked dead; the owner compacts when dead rows
 * outnumber live ones.
 *
 * <p>An amount is kept as a long of units at its own scale when it fits (scale 0 to 18), otherwise
 * exactly as a {@link BigDecimal}; sums are per scale in longs, spilling to {@link BigDecimal} on
 * overflow, so they are exact. Not thread-safe: the store guards it.
 */
final class WindowRollup {
    private static final int MAX_SCALE = 18;
    private static final int DEAD = -1;
    /** The most (month, project, currency) cells one query sums in a dense array. */
    private static final int MAX_CELLS = 1 << 22;

    /** One project's exact total in one currency, within a window. */
    record Sum(ProjectId project, java.util.Currency currency, BigDecimal amount) {
    }

    private int size;
    private int dead;
    private int[] account = new int[1024];
    private int[] month = new int[1024];
    private int[] project = new int[1024];
    private int[] currency = new int[1024];
    private long[] units = new long[1024];
    private byte[] scale = new byte[1024];
    private final Map<Integer, BigDecimal> big = new HashMap<>();
    private final Map<ProjectId, Integer> projectIds = new HashMap<>();
    private final List<ProjectId> projects = new ArrayList<>();
    private final List<java.util.Currency> currencies = new ArrayList<>();
    /** Per currency id, the largest scale of its rows' units: sums are at that scale. */
    private int[] maxScale = new int[4];

    /**
     * @param accountId the window's account, as the store numbers them (0 or more)
     * @param m the window's month
     * @param sums the window's totals
     * @return the first of the window's rows; they are the next {@code sums.size()}
     */
    int append(int accountId, YearMonth m, List<Sum> sums) {
        int start = size;
        if (size + sums.size() > account.length) {
            int capacity = Math.max(account.length * 2, size + sums.size());
            account = Arrays.copyOf(account, capacity);
            month = Arrays.copyOf(month, capacity);
            project = Arrays.copyOf(project, capacity);
            currency = Arrays.copyOf(currency, capacity);
            units = Arrays.copyOf(units, capacity);
            scale = Arrays.copyOf(scale, capacity);
        }
        int proleptic = m.getYear() * 12 + m.getMonthValue() - 1;
        for (Sum s : sums) {
            int i = size++;
            account[i] = accountId;
            month[i] = proleptic;
            project[i] = projectIds.computeIfAbsent(s.project(), p -> {
                projects.add(p);
                return projects.size() - 1;
            });
            int c = currencies.indexOf(s.currency());
            if (c < 0) {
                currencies.add(s.currency());
                c = currencies.size() - 1;
            }
            currency[i] = c;
            if (c >= maxScale.length) {
                maxScale = Arrays.copyOf(maxScale, c + 4);
            }
            BigDecimal a = s.amount();
            if (a.scale() >= 0 && a.scale() <= MAX_SCALE && a.precision() <= 18) {
                units[i] = a.unscaledValue().longValue();
                scale[i] = (byte) a.scale();
                maxScale[c] = Math.max(maxScale[c], a.scale());
            } else {
                units[i] = 0;
                scale[i] = -1;
                big.put(i, a);
            }
        }
        return start;
    }

    /** Marks {@code count} rows from {@code start} dead (a replaced window's). */
    void kill(int start, int count) {
        for (int i = start; i < start + count; i++) {
            if (account[i] != DEAD) {
                account[i] = DEAD;
                big.remove(i);
                dead++;
            }
        }
    }

    /** @return whether dead rows outnumber live ones enough to rebuild */
    boolean wantsCompaction() {
        return dead > 4096 && dead > size - dead;
    }

    /**
     * Drops the dead rows, moving the live ones down in their order.
     *
     * @return per row before, its index now (dead rows: -1)
     */
    int[] compact() {
        int[] moved = new int[size];
        Map<Integer, BigDecimal> kept = new HashMap<>();
        int live = 0;
        for (int i = 0; i < size; i++) {
            if (account[i] == DEAD) {
                moved[i] = -1;
                continue;
            }
            account[live] = account[i];
            month[live] = month[i];
            project[live] = project[i];
            currency[live] = currency[i];
            units[live] = units[i];
            scale[live] = scale[i];
            if (scale[live] < 0) {
                kept.put(live, big.get(i));
            }
            moved[i] = live++;
        }
        big.clear();
        big.putAll(kept);
        size = live;
        dead = 0;
        return moved;
    }

    /**
     * @param start the first of a window's rows
     * @param count how many
     * @return the window's exact totals per currency, ordered by currency code
     */
    List<Money> totals(int start, int count) {
        Map<java.util.Currency, BigDecimal> sums = new TreeMap<>(Comparator.comparing(
                java.util.Currency::getCurrencyCode));
        for (int i = start; i < start + count; i++) {
            BigDecimal a = scale[i] < 0 ? big.get(i) : BigDecimal.valueOf(units[i], scale[i]);
            sums.merge(currencies.get(currency[i]), a, BigDecimal::add);
        }
        List<Money> out = new ArrayList<>(sums.size());
        sums.forEach((c, a) -> out.add(new Money(a, c)));
        return out;
    }

    /**
     * Passes on the sums per (month, project, currency) of the rows of the wanted accounts in
     * {@code [first, last]}.
     *
     * @param wanted by account id; ids beyond its length are not wanted
     * @param first the first month
     * @param last the last month, not before {@code first}
     * @param allowedProjects the projects to keep, or null for all
     * @param sink receives each cell once
     * @return false, having passed on nothing, when the query has too many cells to sum densely
     */
    boolean sum(boolean[] wanted, YearMonth first, YearMonth last, Set<String> allowedProjects,
                Consumer<CostCell> sink) {
        int from = first.getYear() * 12 + first.getMonthValue() - 1;
        int to = last.getYear() * 12 + last.getMonthValue() - 1;
        int months = to - from + 1;
        int p = projects.size();
        int c = Math.max(1, currencies.size());
        boolean[] projectOk = new boolean[p];
        for (int k = 0; k < p; k++) {
            projectOk[k] = allowedProjects == null || allowedProjects.contains(projects.get(k).value());
        }
        long dense = (long) months * p * c;
        if (dense > MAX_CELLS) {
            return false;
        }
        int cells = (int) dense;
        long[] sums = new long[cells];
        boolean[] touched = new boolean[cells];
        BigDecimal[] spilled = null;
        for (int i = 0; i < size; i++) {
            int a = account[i];
            int m = month[i];
            if (a < 0 || a >= wanted.length || !wanted[a] || m < from || m > to || !projectOk[project[i]]) {
                continue;
            }
            int cur = currency[i];
            int cell = ((m - from) * p + project[i]) * c + cur;
            touched[cell] = true;
            int s = scale[i];
            if (s < 0) {
                spilled = spill(spilled, cells, cell, big.get(i));
                continue;
            }
            long y = units[i];
            int up = maxScale[cur] - s;
            if (up > 0) {
                long f = Scales.pow10(up);
                long hi = Math.multiplyHigh(y, f);
                long lo = y * f;
                if (!((hi == 0 && lo >= 0) || (hi == -1 && lo < 0))) {
                    spilled = spill(spilled, cells, cell, BigDecimal.valueOf(y, s));
                    continue;
                }
                y = lo;
            }
            long x = sums[cell];
            long r = x + y;
            if (((x ^ r) & (y ^ r)) < 0) {
                spilled = spill(spilled, cells, cell, BigDecimal.valueOf(x, maxScale[cur]));
                r = y;
            }
            sums[cell] = r;
        }
        for (int cell = 0; cell < cells; cell++) {
            if (!touched[cell]) {
                continue;
            }
            int cur = cell % c;
            BigDecimal total = BigDecimal.valueOf(sums[cell], maxScale[cur]);
            if (spilled != null && spilled[cell] != null) {
                total = total.add(spilled[cell]);
            }
            int proj = (cell / c) % p;
            int m = cell / c / p;
            LocalDate bucket = first.plusMonths(m).atDay(1);
            sink.accept(new CostCell(bucket, projects.get(proj), List.of(), new Money(total, currencies.get(cur))));
        }
        return true;
    }

    private static BigDecimal[] spill(BigDecimal[] spilled, int cells, int cell, BigDecimal amount) {
        BigDecimal[] out = spilled == null ? new BigDecimal[cells] : spilled;
        out[cell] = out[cell] == null ? amount : out[cell].add(amount);
        return out;
    }
}
