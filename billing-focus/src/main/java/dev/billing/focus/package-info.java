/**
 * FOCUS (the FinOps Foundation's Open Cost and Usage Specification): {@link dev.billing.focus.FocusWriter}
 * writes line items as FOCUS 1.2 CSV, and the {@code focus-files} provider
 * ({@link dev.billing.focus.FocusFilesProvider}) reads FOCUS 1.0-1.2 CSV exports as a source of costs.
 */
package dev.billing.focus;
