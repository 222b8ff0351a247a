/**
 * The AWS Cost Explorer provider ({@code aws-cost-explorer}) on the AWS SDK for Java v2;
 * {@code dev.billing.aws.internal} (SDK clients, query plan, error mapping) is not exported.
 */
module dev.billing.aws {
    requires transitive dev.billing.provider;
    requires org.slf4j;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.urlconnection;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.retries;
    requires software.amazon.awssdk.retries.api;
    requires software.amazon.awssdk.services.costexplorer;
    requires software.amazon.awssdk.services.sts;

    exports dev.billing.aws;

    provides dev.billing.core.spi.BillingProviderFactory with dev.billing.aws.internal.AwsCostExplorerProviderFactory;
}
