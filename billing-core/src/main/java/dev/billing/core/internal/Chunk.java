package dev.billing.core.internal;

import dev.billing.core.Dimension;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * Up to {@link #MAX_ROWS} line items of one (provider, service account, project), column by column:
 * 34 bytes a row. Dates are epoch days, strings are dictionary ids, amounts are longs scaled by the
 * store's scale for the row's currency; an amount that does not fit is 0 in {@link #amount} and
 * kept exactly in the overflow list. Min and max of every column (zone maps) are kept once sealed.
 */
final class Chunk {
    static final int MAX_ROWS = 1 << 16;
    private static final int DIMENSIONS = Dimension.values().length;

    final int provider;
    final int serviceAccount;
    final int project;
    int size;
    int[] day;
    int[] account;
    int[] subAccount;
    int[] service;
    int[] region;
    int[] usageType;
    byte[] category;
    byte[] currency;
    long[] amount;

    int overflowCount;
    int[] overflowRows = new int[0];
    BigDecimal[] overflowAmounts = new BigDecimal[0];

    /** The largest absolute amount; when {@code size * maxAbs} fits a long, sums need no overflow checks. */
    long maxAbs;
    int minDay;
    int maxDay;
    int minCurrency;
    int maxCurrency;
    final int[] min = new int[DIMENSIONS];
    final int[] max = new int[DIMENSIONS];

    Chunk(int provider, int serviceAccount, int project, int capacity) {
        this.provider = provider;
        this.serviceAccount = serviceAccount;
        this.project = project;
        day = new int[capacity];
        account = new int[capacity];
        subAccount = new int[capacity];
        service = new int[capacity];
        region = new int[capacity];
        usageType = new int[capacity];
        category = new byte[capacity];
        currency = new byte[capacity];
        amount = new long[capacity];
    }

    boolean isFull() {
        return size == MAX_ROWS;
    }

    void append(int d, int acct, int sub, int svc, int reg, int usage, int cat, int cur, long scaled) {
        if (size == day.length) {
            resize(Math.min(MAX_ROWS, size * 2));
        }
        int i = size++;
        day[i] = d;
        account[i] = acct;
        subAccount[i] = sub;
        service[i] = svc;
        region[i] = reg;
        usageType[i] = usage;
        category[i] = (byte) cat;
        currency[i] = (byte) cur;
        amount[i] = scaled;
    }

    /** Keeps {@code exact} for row {@code row}, whose {@link #amount} is 0. */
    void overflow(int row, BigDecimal exact) {
        amount[row] = 0;
        if (overflowCount == overflowRows.length) {
            overflowRows = Arrays.copyOf(overflowRows, Math.max(4, overflowCount * 2));
            overflowAmounts = Arrays.copyOf(overflowAmounts, overflowRows.length);
        }
        overflowRows[overflowCount] = row;
        overflowAmounts[overflowCount++] = exact;
    }

    /**
     * Multiplies the amounts of one currency by {@code 10^digits}; those that no longer fit move to
     * the overflow list.
     */
    void rescale(int cur, int fromScale, int digits) {
        long factor = Scales.pow10(digits);
        for (int i = 0; i < size; i++) {
            if ((currency[i] & 0xFF) == cur) {
                long a = amount[i];
                long hi = Math.multiplyHigh(a, factor);
                long lo = a * factor;
                if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
                    amount[i] = lo;
                } else {
                    overflow(i, BigDecimal.valueOf(a, fromScale));
                }
            }
        }
        maxAbs = maxAbs();
    }

    private long maxAbs() {
        long m = 0;
        for (int i = 0; i < size; i++) {
            m = Math.max(m, Math.abs(amount[i]));
        }
        return m;
    }

    /** @return whether no sum of this chunk's amounts can overflow a long */
    boolean sumsFit() {
        return size == 0 || maxAbs <= Long.MAX_VALUE / size;
    }

    /** Trims the columns to the rows held and computes the zone maps. */
    void seal() {
        if (size < day.length) {
            resize(size);
        }
        Arrays.fill(min, Integer.MAX_VALUE);
        Arrays.fill(max, Integer.MIN_VALUE);
        minDay = Integer.MAX_VALUE;
        maxDay = Integer.MIN_VALUE;
        minCurrency = Integer.MAX_VALUE;
        maxCurrency = Integer.MIN_VALUE;
        maxAbs = maxAbs();
        for (int i = 0; i < size; i++) {
            minDay = Math.min(minDay, day[i]);
            maxDay = Math.max(maxDay, day[i]);
            minCurrency = Math.min(minCurrency, currency[i] & 0xFF);
            maxCurrency = Math.max(maxCurrency, currency[i] & 0xFF);
        }
        for (Dimension d : Dimension.values()) {
            int[] col = intColumn(d);
            byte[] bytes = d == Dimension.CHARGE_CATEGORY ? category : null;
            int lo = Integer.MAX_VALUE;
            int hi = Integer.MIN_VALUE;
            if (col == null && bytes == null) {
                lo = hi = constant(d);
            } else {
                for (int i = 0; i < size; i++) {
                    int v = col != null ? col[i] : bytes[i] & 0xFF;
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            min[d.ordinal()] = lo;
            max[d.ordinal()] = hi;
        }
    }

    /** @return the int column of a dimension, or null when it is a byte column or a constant */
    int[] intColumn(Dimension d) {
        return switch (d) {
            case ACCOUNT -> account;
            case SUB_ACCOUNT -> subAccount;
            case SERVICE -> service;
            case REGION -> region;
            case USAGE_TYPE -> usageType;
            default -> null;
        };
    }

    /** @return the chunk's one value of PROVIDER, SERVICE_ACCOUNT or PROJECT */
    int constant(Dimension d) {
        return switch (d) {
            case PROVIDER -> provider;
            case SERVICE_ACCOUNT -> serviceAccount;
            case PROJECT -> project;
            default -> throw new IllegalArgumentException(d + " is a column");
        };
    }

    private void resize(int capacity) {
        day = Arrays.copyOf(day, capacity);
        account = Arrays.copyOf(account, capacity);
        subAccount = Arrays.copyOf(subAccount, capacity);
        service = Arrays.copyOf(service, capacity);
        region = Arrays.copyOf(region, capacity);
        usageType = Arrays.copyOf(usageType, capacity);
        category = Arrays.copyOf(category, capacity);
        currency = Arrays.copyOf(currency, capacity);
        amount = Arrays.copyOf(amount, capacity);
    }
}
