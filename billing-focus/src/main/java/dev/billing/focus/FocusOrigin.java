package dev.billing.focus;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a line item comes from, in FOCUS terms: {@code ProviderName} (who made the services
 * available for purchase), {@code PublisherName} (who produced them) and
 * {@code InvoiceIssuerName} (who invoices them). For a cloud bought directly the three are the
 * cloud; bought through a managed service provider (a reseller such as MegazoneCloud, FOCUS's
 * "purchasing cloud services via MSP"), the provider and the invoice issuer are the reseller and the
 * publisher is the cloud.
 *
 * @param providerName the FOCUS ProviderName
 * @param publisherName the FOCUS PublisherName
 * @param invoiceIssuerName the FOCUS InvoiceIssuerName
 */
public record FocusOrigin(String providerName, String publisherName, String invoiceIssuerName) {
    private static final Map<String, FocusOrigin> KNOWN = Map.of(
            "hyperbilling-aws", new FocusOrigin("MegazoneCloud", "AWS", "MegazoneCloud"),
            "hyperbilling-mzc", of("MegazoneCloud"),
            "aws-cost-explorer", of("AWS"),
            "azure-cost-management", of("Microsoft"),
            "gcp-billing-export", of("Google Cloud"));

    /** Validates that every name is present and not blank (FOCUS forbids nulls in these columns). */
    public FocusOrigin {
        requireName(providerName, "providerName");
        requireName(publisherName, "publisherName");
        requireName(invoiceIssuerName, "invoiceIssuerName");
    }

    private static void requireName(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank: FOCUS does not allow it to be null");
        }
    }

    /**
     * @param name the one entity that provides, publishes and invoices
     * @return the origin with that name in all three columns
     */
    public static FocusOrigin of(String name) {
        return new FocusOrigin(name, name, name);
    }

    /**
     * @param providerId a provider id of this project, for example {@code aws-cost-explorer}
     * @return the built-in origin of that provider's costs, empty for a provider this project does
     *     not know (see docs/focus.md for the table)
     */
    public static Optional<FocusOrigin> known(String providerId) {
        return Optional.ofNullable(KNOWN.get(providerId));
    }
}
