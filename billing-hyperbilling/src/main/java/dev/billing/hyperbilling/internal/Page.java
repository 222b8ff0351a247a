package dev.billing.hyperbilling.internal;

import java.util.Currency;
import java.util.List;

/**
 * One page of a billing answer, read whole before any row is used, so a retried request never
 * passes a row on twice.
 *
 * @param currency the answer's currency ({@code USD} when absent)
 * @param rows the rows, in answer order, identical rows kept
 * @param nextDataToken the token of the next page, or {@code null} on the last page
 */
record Page(Currency currency, List<Row> rows, String nextDataToken) {
    static final Page EMPTY = new Page(Json.USD, List.of(), null);
}
