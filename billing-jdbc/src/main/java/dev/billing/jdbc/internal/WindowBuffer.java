package dev.billing.jdbc.internal;

import dev.billing.core.BillingException;
import dev.billing.core.CostRecord;
import dev.billing.core.Money;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.CostSink;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One window's line items read into memory before any transaction opens, checked (every item dated in
 * the month, every amount fits {@code DECIMAL(38, 18)} exactly) and rolled up on the way in: by every
 * dimension ({@code cost_month}), by project ({@code cost_window_project}), by project and service
 * ({@code cost_window_service}) and by currency (the window's totals).
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

    private final ServiceAccount account;
    private final YearMonth month;
    private final List<CostRecord> records = new ArrayList<>();
    private final Map<MonthKey, BigDecimal> byMonth = new HashMap<>();
    private final Map<ServiceKey, BigDecimal> byService = new HashMap<>();
    private final Map<ProjectKey, BigDecimal> byProject = new HashMap<>();
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
                    + r.chargeDate() + ", outside the window " + month + " being replaced", account.name(),
                    false, null);
        }
        BigDecimal amount = exact(r.billedCost().amount());
        String currency = r.billedCost().currency().getCurrencyCode();
        String project = r.project().value();
        records.add(r);
        byMonth.merge(new MonthKey(r.provider().value(), r.billingAccountId(), r.subAccountId(), project, r.service(),
                r.region(), r.usageType(), r.chargeCategory().name(), currency), amount, BigDecimal::add);
        byService.merge(new ServiceKey(project, r.service(), currency), amount, BigDecimal::add);
        byProject.merge(new ProjectKey(project, currency), amount, BigDecimal::add);
        totals.merge(currency, amount, BigDecimal::add);
    }

    private BigDecimal exact(BigDecimal amount) {
        BigDecimal stripped = amount.stripTrailingZeros();
        int scale = Math.max(stripped.scale(), 0);
        if (scale > MAX_SCALE || stripped.precision() - stripped.scale() > MAX_INTEGER_DIGITS) {
            throw new BillingException("amount " + amount.toPlainString() + " of service account '"
                    + account.name() + "' in " + month + " does not fit the cost store exactly (at most "
                    + MAX_INTEGER_DIGITS + " integer and " + MAX_SCALE + " fractional digits); the window keeps"
                    + " its old data", account.name(), false, null);
        }
        return amount;
    }

    /** @return the line items, in the order they came */
    public List<CostRecord> records() {
        return records;
    }

    /** @return the roll-up by every dimension */
    public Map<MonthKey, BigDecimal> byMonth() {
        return byMonth;
    }

    /** @return the roll-up by project and service */
    public Map<ServiceKey, BigDecimal> byService() {
        return byService;
    }

    /** @return the roll-up by project */
    public Map<ProjectKey, BigDecimal> byProject() {
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
