package dev.billing.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a {@link BillingPropertyException} at startup: the property, what is wrong, and the fix. */
final class BillingPropertyFailureAnalyzer extends AbstractFailureAnalyzer<BillingPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BillingPropertyException cause) {
        return new FailureAnalysis("The Billing SDK could not start: " + cause.getMessage(),
                "Update the property " + cause.property() + ": " + cause.fix(), cause);
    }
}
