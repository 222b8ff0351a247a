package dev.billing.examples.cli;

import dev.billing.core.AccountCoverage;
import dev.billing.core.AccountStatus;
import dev.billing.core.BillingException;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostReport;
import java.time.Clock;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The command's words for what the cost store lacks. The SDK says, in its own terms, which months of an
 * account were never synced; the command adds the {@code billing sync --months-back N} that fills them.
 * In a report from the store, a FAILED account is one never synced, a PARTIAL one misses months.
 */
final class SyncHints {
    private SyncHints() {
    }

    /** @return the report with each never-synced or partial account's reason naming the sync that fills it */
    static CostReport add(CostReport report, Clock clock) {
        return new CostReport(report.query(), report.domain(), report.projects(), report.rows(),
                add(report.coverage(), report.period(), clock), report.converted().orElse(null));
    }

    /** @return the coverage of a store answer over {@code period}, each gap's reason naming the sync that fills it */
    static List<AccountCoverage> add(List<AccountCoverage> coverage, BillingPeriod period, Clock clock) {
        YearMonth current = YearMonth.now(clock);
        YearMonth first = YearMonth.from(period.start());
        return coverage.stream().map(c -> {
            if (c.status() instanceof AccountStatus.Partial p) {
                return with(c, new AccountStatus.Partial(p.missingMonths(), p.asOf(),
                        p.reason() + "; " + sync(p.missingMonths().get(0), current)));
            }
            if (c.status() instanceof AccountStatus.Failed f) {
                BillingException e = f.error();
                String message = e.getMessage() + "; " + sync(first, current);
                String account = e.serviceAccount().orElse(null);
                return with(c, new AccountStatus.Failed(e.statusCode().isPresent()
                        ? new BillingException(message, account, e.statusCode().getAsInt(), e.retryable(), e)
                        : new BillingException(message, account, e.retryable(), e)));
            }
            return c;
        }).toList();
    }

    /** @return "run billing sync with --months-back N", N reaching from {@code current} back to {@code oldest} */
    static String sync(YearMonth oldest, YearMonth current) {
        return oldest.isAfter(current) ? "run billing sync"
                : "run billing sync with --months-back " + oldest.until(current, ChronoUnit.MONTHS);
    }

    private static AccountCoverage with(AccountCoverage c, AccountStatus status) {
        return new AccountCoverage(c.serviceAccount(), c.provider(), c.project(), status, c.asOf(), c.stats());
    }
}
