package dev.billing.focus;

import dev.billing.core.CostRecord;
import dev.billing.core.CredentialSchema;
import dev.billing.core.ProviderId;
import dev.billing.core.ProviderUnavailableException;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A provider serving crafted records per service account, in process; a named account can be made to fail. */
final class ListProvider implements BillingProvider {
    private final ProviderId id;
    private final Map<String, List<CostRecord>> records = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();

    ListProvider(String id) {
        this.id = ProviderId.of(id);
    }

    ListProvider serve(String account, List<CostRecord> accountRecords) {
        records.put(account, List.copyOf(accountRecords));
        return this;
    }

    ListProvider fail(String account) {
        failing.add(account);
        return this;
    }

    @Override
    public ProviderId id() {
        return id;
    }

    @Override
    public String displayName() {
        return "List provider " + id.value();
    }

    @Override
    public CredentialSchema credentialSchema() {
        return CredentialSchema.of();
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.DAILY, Capability.MONTHLY);
    }

    @Override
    public void verify(ServiceAccount account) {
    }

    @Override
    public FetchStats fetch(FetchRequest request, CostSink sink) {
        String name = request.account().name();
        long n = 0;
        long dropped = 0;
        for (CostRecord r : records.getOrDefault(name, List.of())) {
            if (!request.period().contains(r.chargeDate())) {
                dropped++;
                continue;
            }
            sink.accept(r);
            n++;
            if (failing.contains(name)) {
                throw new ProviderUnavailableException("service account '" + name + "': " + id + " answered HTTP 503",
                        name, 503, null);
            }
        }
        return FetchStats.builder().records(n).requests(1).pages(1).droppedRows(dropped).build();
    }
}
