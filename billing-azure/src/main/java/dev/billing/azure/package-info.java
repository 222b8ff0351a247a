/**
 * The Azure Cost Management provider: Azure costs from the Cost Management Query API.
 *
 * <p>Putting this jar on the classpath enables the provider {@code azure-cost-management}; its
 * settings ({@code endpoint}, {@code authority}, {@code costType}) all have defaults. Hosts that build
 * it themselves use {@link dev.billing.azure.AzureCostManagementProvider#builder()}, and may plug in
 * their own {@link dev.billing.azure.AzureTokenSource} (for example managed identity).
 */
package dev.billing.azure;
