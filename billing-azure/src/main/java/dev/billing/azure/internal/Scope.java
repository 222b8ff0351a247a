package dev.billing.azure.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Cost Management scope of a service account: a subscription, a resource group, or a billing
 * account (which spans several subscriptions).
 *
 * @param path the scope as sent, for example {@code /subscriptions/0000-...}
 * @param billingAccount the billing account id, or null
 * @param subscription the subscription id, or null for a billing account scope
 * @param resourceGroup the resource group name, or null
 */
record Scope(String path, String billingAccount, String subscription, String resourceGroup) {
    /** The rule of the credential {@code scope}. */
    static final String REGEX = "\\s*(?i)(/subscriptions/[A-Za-z0-9-]+(/resourceGroups/[-\\w.()]+)?"
            + "|/providers/Microsoft\\.Billing/billingAccounts/[\\w:.-]+)/?\\s*";
    static final String REQUIREMENT = "be /subscriptions/{id}, /subscriptions/{id}/resourceGroups/{name}"
            + " or /providers/Microsoft.Billing/billingAccounts/{id}";
    private static final Pattern SUBSCRIPTION = Pattern.compile("(?i)/subscriptions/([A-Za-z0-9-]+)(?:/resourceGroups/([-\\w.()]+))?");
    private static final Pattern BILLING = Pattern.compile("(?i)/providers/Microsoft\\.Billing/billingAccounts/([\\w:.-]+)");

    /** @param value a value that matched {@link #REGEX} */
    static Scope parse(String value) {
        String v = value.trim();
        if (v.endsWith("/")) {
            v = v.substring(0, v.length() - 1);
        }
        Matcher m = SUBSCRIPTION.matcher(v);
        if (m.matches()) {
            return new Scope(v, null, m.group(1), m.group(2));
        }
        m = BILLING.matcher(v);
        if (m.matches()) {
            return new Scope(v, m.group(1), null, null);
        }
        throw new IllegalArgumentException("not a scope");
    }

    /** @return whether the scope spans several subscriptions, so rows are grouped by {@code SubscriptionId} */
    boolean spansSubscriptions() {
        return subscription == null;
    }

    /** @return the FOCUS billing account id: the billing account, else the subscription */
    String accountId() {
        return billingAccount != null ? billingAccount : subscription;
    }

    /**
     * @param rowSubscription the row's {@code SubscriptionId}, or null
     * @return the FOCUS sub account id: the row's subscription, else the scope's
     */
    String subAccountId(String rowSubscription) {
        String s = rowSubscription != null && !rowSubscription.isBlank() ? rowSubscription : subscription;
        return s == null ? "" : s;
    }
}
