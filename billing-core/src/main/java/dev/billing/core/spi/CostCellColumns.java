package dev.billing.core.spi;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;
import java.util.Objects;

/**
 * A block of pre-aggregated sums from a {@link CostStore}, in columns: what {@link CostCell}s say, without an
 * object per cell. Each cell has a bucket, a value per key column (column 0 the project, then the query's
 * group-by dimensions in its order; a block of a {@link RollupSink} roll-up has the columns that roll-up names)
 * given as a code of that column's dictionary, a currency and an exact sum, given as a long in units of
 * {@code 10^-scale} when it fits one. A reader that meets a code again can reuse
 * what it made of its value. A block is read from the thread it is handed to, and only while it is handed.
 */
public interface CostCellColumns {

    /** @return the number of cells */
    int size();

    /** @return the number of key columns: the project, then one per group-by dimension */
    int columns();

    /**
     * @param cell a cell, {@code 0 <= cell < size()}
     * @param column a key column, {@code 0 <= column < columns()}
     * @return the code of the cell's value in that column, {@code 0 <= code < codes(column)}
     */
    int code(int cell, int column);

    /**
     * @param column a key column
     * @return an upper bound of that column's codes in this block
     */
    int codes(int column);

    /**
     * @param column a key column
     * @param code a code of that column
     * @return its value (for column 0, the project's id)
     */
    String value(int column, int code);

    /**
     * @param cell a cell
     * @return the first day of its bucket (the query's granularity, or finer)
     */
    LocalDate bucket(int cell);

    /**
     * @param cell a cell
     * @return its currency
     */
    Currency currency(int cell);

    /**
     * @param cell a cell
     * @return its exact sum in units of {@code 10^-scale(cell)}, or {@link Long#MIN_VALUE} when it does not fit
     *     a long (then read {@link #sum})
     */
    long units(int cell);

    /**
     * @param cell a cell
     * @return the scale of {@link #units}, at least 0
     */
    int scale(int cell);

    /**
     * @param cell a cell
     * @return its exact sum
     */
    default BigDecimal sum(int cell) {
        return BigDecimal.valueOf(units(cell), scale(cell));
    }

    /**
     * @param cells cells of one query
     * @return the cells as a block, each value coded by its cell's index
     */
    static CostCellColumns of(List<CostCell> cells) {
        List<CostCell> copy = List.copyOf(cells);
        int columns = copy.isEmpty() ? 1 : 1 + copy.get(0).keys().size();
        return new CostCellColumns() {
            @Override
            public int size() {
                return copy.size();
            }

            @Override
            public int columns() {
                return columns;
            }

            @Override
            public int code(int cell, int column) {
                Objects.checkIndex(column, columns);
                return cell;
            }

            @Override
            public int codes(int column) {
                return copy.size();
            }

            @Override
            public String value(int column, int code) {
                CostCell c = copy.get(code);
                return column == 0 ? c.project().value() : c.keys().get(column - 1);
            }

            @Override
            public LocalDate bucket(int cell) {
                return copy.get(cell).bucket();
            }

            @Override
            public Currency currency(int cell) {
                return copy.get(cell).amount().currency();
            }

            @Override
            public long units(int cell) {
                return Long.MIN_VALUE;
            }

            @Override
            public int scale(int cell) {
                return 0;
            }

            @Override
            public BigDecimal sum(int cell) {
                return copy.get(cell).amount().amount();
            }
        };
    }
}
