package dev.billing.core;

import dev.billing.core.internal.Allocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Applies a {@link Billing}'s {@link Allocation} to line items, for an export: give it as the sink of
 * {@link CostAggregator#lineItems} or {@link CostSync#lineItems} (with a {@link Granularity#DAILY} query), then
 * call {@link #finish()}. Each line item reaches {@link Sink} with its allocated project; a line item that is the
 * source of a split becomes one line item per target of the split, carrying the target's part of every metric.
 * The arithmetic is the reports' (per UTC day, currency and source project, half-even to 10 places, the
 * largest-weight target taking the remainder), so the line items of each project add up, for every metric, to the
 * project's total in a report of that metric with the same allocation.
 *
 * <p>With an allocation, the line items are held until {@link #finish()} (splits need every line item of a day);
 * without one (or when the query asks for raw costs) each passes straight through.
 */
public final class AllocatedLineItems implements Consumer<CostRecord> {
    private final Allocator allocator;
    private final Sink sink;
    private final List<CostRecord> held = new ArrayList<>();

    private AllocatedLineItems(Allocator allocator, Sink sink) {
        this.allocator = allocator;
        this.sink = sink;
    }

    /**
     * @param billing the instance whose allocation, service accounts and tag aliases apply
     * @param query the query the line items are read with
     * @param sink receives the allocated line items
     * @return the allocating sink
     */
    public static AllocatedLineItems of(Billing billing, CostQuery query, Sink sink) {
        Objects.requireNonNull(sink, "sink");
        CostQuery q = ReportScope.withAliases(query, billing.tagAliases());
        return new AllocatedLineItems(Allocator.of(billing.allocation(), q.fetched(),
                billing.serviceAccounts().list().stream().map(ServiceAccount::project).toList()), sink);
    }

    @Override
    public void accept(CostRecord record) {
        if (allocator == null) {
            sink.accept(record, null, null);
        } else {
            held.add(record);
        }
    }

    /** Allocates the line items held and passes them on; call once, after the last line item. */
    public void finish() {
        if (allocator != null) {
            allocator.allocateLineItems(List.copyOf(held), sink);
            held.clear();
        }
    }

    /** Receives allocated line items. */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param record the line item, its project the allocated one; for a split row, its costs are the target's
         *     part (its usage quantity absent)
         * @param split the name of the split that divided it, or null when no split took it
         * @param sourceProject the split's source project (the line item's project after the rules), or null
         */
        void accept(CostRecord record, String split, ProjectId sourceProject);
    }
}
