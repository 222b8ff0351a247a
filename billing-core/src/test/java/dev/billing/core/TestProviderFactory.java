package dev.billing.core;

import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.BillingProviderFactory;
import java.util.Map;

/** Installed through the test {@code META-INF/services} file, to prove discovery. */
public final class TestProviderFactory implements BillingProviderFactory {
    static final String ID = "discovered-cloud";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public BillingProvider create(Map<String, String> settings) {
        return new TestProvider(ID, settings);
    }
}
