/**
 * The HyperBilling provider: AWS costs served by HyperBilling (MegazoneCloud) over HTTP.
 *
 * <p>Putting this jar on the classpath enables the provider {@code hyperbilling-aws}; give it the
 * provider setting {@code endpoint}. Hosts that build it themselves use
 * {@link dev.billing.hyperbilling.HyperBillingProvider#builder()}.
 */
package dev.billing.hyperbilling;
