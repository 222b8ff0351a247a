/**
 * Checks the SDK's builders and the provider modules share ({@link dev.billing.core.support.Arguments},
 * {@link dev.billing.core.support.Endpoints}) and the stores' common lease ({@link
 * dev.billing.core.support.ClaimedWindow}): exported only to the modules of the SDK that use them, not part
 * of the API or the SPI.
 */
package dev.billing.core.support;
