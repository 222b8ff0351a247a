package dev.billing.spring;

import dev.billing.core.CostSync;
import dev.billing.core.SyncSummary;
import dev.billing.micrometer.BillingMetrics;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronTrigger;

/**
 * Runs {@link CostSync#sync()} on {@code billing.sync.cron}, on a thread of its own. Several instances of the
 * application may sync into one shared store at once: the store's leases let one replace a window at a time.
 * Each sync is recorded in the meters and the health indicator.
 */
public final class BillingSyncScheduler implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(BillingSyncScheduler.class);

    private final CostSync sync;
    private final BillingMetrics metrics;
    private final BillingHealth health;
    private final CronTrigger trigger;
    private ThreadPoolTaskScheduler scheduler;
    private ScheduledFuture<?> scheduled;

    BillingSyncScheduler(CostSync sync, BillingMetrics metrics, BillingHealth health, String cron) {
        this.sync = sync;
        this.metrics = metrics;
        this.health = health;
        this.trigger = new CronTrigger(cron);
    }

    /**
     * Syncs now, as the schedule does.
     *
     * @return the sync's summary
     * @throws dev.billing.core.BillingException when the store failed (also kept for the health indicator)
     */
    public SyncSummary syncNow() {
        try {
            SyncSummary summary = metrics.sync(sync);
            health.recordSync(summary);
            if (!summary.isComplete()) {
                LOG.warn("billing sync: {} of {} service accounts failed", summary.accounts().stream()
                        .filter(a -> !a.succeeded()).count(), summary.accounts().size());
            }
            return summary;
        } catch (RuntimeException e) {
            health.recordSyncFailure(e);
            throw e;
        }
    }

    /** @return the schedule */
    public String cron() {
        return trigger.getExpression();
    }

    @Override
    public synchronized void start() {
        scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("billing-sync-");
        scheduler.setDaemon(true);
        scheduler.initialize();
        scheduled = scheduler.schedule(() -> {
            try {
                syncNow();
            } catch (RuntimeException e) {
                LOG.warn("billing sync failed: {}", e.getMessage());
            }
        }, trigger);
    }

    @Override
    public synchronized void stop() {
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        if (scheduler != null) {
            scheduler.shutdown();
        }
        scheduled = null;
        scheduler = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
