package dev.billing.core;

/**
 * Providers are configured wrongly: two installed providers share one id, a provider setting is
 * missing or malformed. The message says how to fix it.
 */
public class ProviderConfigurationException extends BillingException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and how to fix it */
    public ProviderConfigurationException(String message) {
        super(message);
    }
}
