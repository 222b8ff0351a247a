package dev.billing.core.spi;

/**
 * Receives the sums a report is made of from {@link CostStore#aggregateRollups}: either cells per project and
 * group-by values, which the report rolls up into what it shows, or those two roll-ups themselves, summed by the
 * store: per project (each project's series, from which the domain's is rolled up) and per group-by values (the
 * rows). A store that sums the roll-ups itself need not compute the cross product of the projects and the
 * group-by values, which can have many times the cells of both roll-ups together.
 *
 * <p>Each line item the query accepts reaches the sink once through {@link #cells}, or once through
 * {@link #projectSeries} and once through {@link #rows}; a store may hand some line items one way and others the
 * other. Blocks are handed from the calling thread; the same cell may come more than once (the report adds them
 * up), and a block's bucket may be finer than the query's granularity, as with {@link CostStore#aggregateColumns}.
 */
public interface RollupSink {

    /**
     * @param block cells with the key columns of {@link CostCellColumns}: the project, then the query's group-by
     *     dimensions in its order
     */
    void cells(CostCellColumns block);

    /**
     * @param block sums per project, bucket and currency: one key column, the project
     */
    void projectSeries(CostCellColumns block);

    /**
     * @param block sums per bucket, group-by values and currency: one key column per group-by dimension, in the
     *     query's order, and no project (none is handed for a query without group-by)
     */
    void rows(CostCellColumns block);
}
