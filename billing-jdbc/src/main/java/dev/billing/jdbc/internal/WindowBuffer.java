package dev.billing.jdbc.internal;

import dev.billing.core.BillingException;
import dev.billing.core.CostRecord;
import dev.billing.core.Money;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.CostSink;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One window's line items read into memory before any transaction opens, checked (every item dated in
 * the month, every amount fits {@code DECIMAL(38, 18)} exactly) and rolled up on the way in: by every
 * dimension ({@code cost_month}), by project ({@code cost_window_project}), by project and service
 * ({@code cost_window_service}) and by currency (the window's billed totals). Each roll-up keeps the billed,
 * effective and list sums. The distinct tag maps of the window are numbered on the way in: 0 is the empty
 * map, the others are written to {@code cost_tag} and each line item keeps its set's number.
 */
public final class WindowBuffer implements CostSink {
    private static final int MAX_SCALE = 18;
    private static final int MAX_INTEGER_DIGITS = 20;

    /** A {@code cost_month} key: the roll-up's dimension values. */
    public record MonthKey(String provider, String billingAccount, String subAccount, String project, String service,
                           String region, String usageType, String chargeCategory, String currency) {
    }

    /** A {@code cost_window_service} key. */
    public record ServiceKey(String project, String service, String currency) {
    }

    /** A {@code cost_window_project} key. */
    public record ProjectKey(String project, String currency) {
    }

    /** The three sums of a roll-up row; {@code list} is null while no line item of the row had a list cost. */
    public static final class Sums {
        private BigDecimal billed = BigDecimal.ZERO;
        private BigDecimal effective = BigDecimal.ZERO;
        private BigDecimal list;

        void add(BigDecimal billedAmount, BigDecimal effectiveAmount, BigDecimal listAmount) {
            billed = billed.add(billedAmount);
            effective = effective.add(effectiveAmount);
            if (listAmount != null) {
                list = list == null ? listAmount : list.add(listAmount);
            }
        }

        /** @return the billed sum */
        public BigDecimal billed() {
            return billed;
        }

        /** @return the effective sum (billed where a line item had no effective cost) */
        public BigDecimal effective() {
            return effective;
        }

        /** @return the sum of the list costs given, or null when none was */
        public BigDecimal list() {
            return list;
        }
    }

    private final ServiceAccount account;
    private final YearMonth month;
    private final List<CostRecord> records = new ArrayList<>();
    private int[] tagSetOf = new int[64];
    private final Map<Map<String, String>, Integer> tagSetIds = new HashMap<>(Map.of(Map.of(), 0));
    private final List<Map<String, String>> tagSets = new ArrayList<>(List.of(Map.of()));
    /** The last tag map seen and its set: providers share one map between the line items carrying it. */
    private Map<String, String> lastTags = Map.of();
    private int lastTagSet;
    private final Map<MonthKey, Sums> byMonth = new HashMap<>();
    private final Map<ServiceKey, Sums> byService = new HashMap<>();
    private final Map<ProjectKey, Sums> byProject = new HashMap<>();
    private final Map<String, BigDecimal> totals = new TreeMap<>();

    /**
     * @param account the window's service account
     * @param month the window's month
     */
    public WindowBuffer(ServiceAccount account, YearMonth month) {
        this.account = account;
        this.month = month;
    }

    @Override
    public void accept(CostRecord r) {
        if (!YearMonth.from(r.chargeDate()).equals(month)) {
            throw new BillingException("a line item of service account '" + account.name() + "' is dated "
                    + r.chargeDate() + ", outside the window " + month + " being replaced", account.name(), -1,
                    false, null);
        }
        BigDecimal amount = exact(r.billedCost().amount());
        BigDecimal effective = r.effectiveCostGiven() ? exact(r.effectiveCost().amount()) : amount;
        BigDecimal list = r.listCost().isPresent() ? exact(r.listCost().get().amount()) : null;
        String currency = r.billedCost().currency().getCurrencyCode();
        String project = r.project().value();
        if (records.size() == tagSetOf.length) {
            tagSetOf = Arrays.copyOf(tagSetOf, tagSetOf.length * 2);
        }
        tagSetOf[records.size()] = tagSet(r.tags());
        records.add(r);
        byMonth.computeIfAbsent(new MonthKey(r.provider().value(), r.billingAccountId(), r.subAccountId(), project,
                r.service(), r.region(), r.usageType(), r.chargeCategory().name(), currency), k -> new Sums())
                .add(amount, effective, list);
        byService.computeIfAbsent(new ServiceKey(project, r.service(), currency), k -> new Sums())
                .add(amount, effective, list);
        byProject.computeIfAbsent(new ProjectKey(project, currency), k -> new Sums()).add(amount, effective, list);
        totals.merge(currency, amount, BigDecimal::add);
    }

    private int tagSet(Map<String, String> tags) {
        if (tags != lastTags) {
            lastTagSet = tagSetIds.computeIfAbsent(tags, t -> {
                tagSets.add(t);
                return tagSets.size() - 1;
            });
            lastTags = tags;
        }
        return lastTagSet;
    }

    private BigDecimal exact(BigDecimal amount) {
        BigDecimal stripped = amount.stripTrailingZeros();
        int scale = Math.max(stripped.scale(), 0);
        if (scale > MAX_SCALE || stripped.precision() - stripped.scale() > MAX_INTEGER_DIGITS) {
            throw new BillingException("amount " + amount.toPlainString() + " of service account '"
                    + account.name() + "' in " + month + " does not fit the cost store exactly (at most "
                    + MAX_INTEGER_DIGITS + " integer and " + MAX_SCALE + " fractional digits); the window keeps"
                    + " its old data", account.name(), -1, false, null);
        }
        return amount;
    }

    /** @return the line items, in the order they came */
    public List<CostRecord> records() {
        return records;
    }

    /**
     * @param index a line item's index in {@link #records()}
     * @return the number of its tag set in {@link #tagSets()}
     */
    public int tagSetOf(int index) {
        return tagSetOf[index];
    }

    /** @return the window's distinct tag maps, by number; 0 is the empty map */
    public List<Map<String, String>> tagSets() {
        return tagSets;
    }

    /** @return the roll-up by every dimension */
    public Map<MonthKey, Sums> byMonth() {
        return byMonth;
    }

    /** @return the roll-up by project and service */
    public Map<ServiceKey, Sums> byService() {
        return byService;
    }

    /** @return the roll-up by project */
    public Map<ProjectKey, Sums> byProject() {
        return byProject;
    }

    /** @return the window's totals, one per currency sorted by code; exact sums, trailing zeros stripped */
    public List<Money> totals() {
        List<Money> out = new ArrayList<>();
        totals.forEach((c, a) -> out.add(new Money(a.signum() == 0 ? BigDecimal.ZERO : a.stripTrailingZeros(),
                Currency.getInstance(c))));
        return out;
    }
}
