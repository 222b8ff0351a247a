package dev.billing.core;

import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.BillingProviderFactory;
import java.util.Map;

/** A second factory with {@link TestProviderFactory}'s id, installed only through a separate class loader. */
public final class DuplicateTestProviderFactory implements BillingProviderFactory {

    @Override
    public String id() {
        return TestProviderFactory.ID;
    }

    @Override
    public BillingProvider create(Map<String, String> settings) {
        return new TestProvider(TestProviderFactory.ID, settings);
    }
}
