/**
 * The AWS Cost Explorer provider, id {@code aws-cost-explorer}: AWS costs read with
 * {@code GetCostAndUsage} through the AWS SDK for Java v2. Public API: {@link dev.billing.aws.AwsCostExplorerProvider}
 * and {@link dev.billing.aws.CostMetric}; everything in {@code dev.billing.aws.internal} (the factory
 * {@link java.util.ServiceLoader} finds included) is machinery.
 */
package dev.billing.aws;
