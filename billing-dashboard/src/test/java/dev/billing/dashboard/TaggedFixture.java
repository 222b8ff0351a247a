package dev.billing.dashboard;

import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostRecord;
import dev.billing.core.CredentialField;
import dev.billing.core.CredentialSchema;
import dev.billing.core.Credentials;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Tagged line items for the breakdown by tag: two accounts in two projects, USD and EUR, the tag {@code team}
 * written {@code team}, {@code Team} (an alias) or absent, served in process by a provider that declares
 * {@link Capability#TAGS}. {@link #expected} is the reference: each value's exact sum, from the records themselves.
 */
final class TaggedFixture implements AutoCloseable {
    static final BillingPeriod PERIOD = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 3));
    private static final List<Map<String, String>> TAGS = List.of(Map.of("team", "web"), Map.of("Team", "data"),
            Map.of(), Map.of("team", "<b>ops</b>", "env", "prod"), Map.of("env", "dev"));

    final Billing billing;
    final List<CostRecord> records = new ArrayList<>();

    TaggedFixture(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[][] accounts = {{"web-prod", "project-web"}, {"data-prod", "project-data"}};
        for (String[] a : accounts) {
            for (int i = 0; i < 200; i++) {
                records.add(CostRecord.builder().chargeDate(PERIOD.start().plusDays(rnd.nextInt((int) PERIOD.days())))
                        .provider(ProviderId.of("tagged")).billingAccountId("b-1")
                        .serviceAccount(ServiceAccountId.of(a[0])).project(ProjectId.of(a[1]))
                        .service(rnd.nextBoolean() ? "Compute" : "Storage").region("r1")
                        .tags(TAGS.get(rnd.nextInt(TAGS.size())))
                        .billedCost(new Money(BigDecimal.valueOf(rnd.nextLong(1, 10_000_000), rnd.nextInt(0, 8)),
                                Currency.getInstance(rnd.nextInt(4) == 0 ? "EUR" : "USD")))
                        .build());
            }
        }
        billing = Billing.builder().discoverProviders(false).addProvider(new Provider(records))
                .tagAliases(dev.billing.core.TagAliases.of(Map.of("team", List.of("Team")))).build();
        for (String[] a : accounts) {
            billing.serviceAccounts().register(a[0], "tagged", Credentials.of(Map.of("account", a[0])), a[1]);
        }
    }

    /**
     * @param project a project, or {@code null} for the domain
     * @return per currency code, each value of the tag {@code team} (aliases applied) and its exact sum, trailing
     *     zeros stripped
     */
    Map<String, Map<String, BigDecimal>> expected(String project) {
        Map<String, Map<String, BigDecimal>> out = new TreeMap<>();
        for (CostRecord r : records) {
            if (project == null || r.project().value().equals(project)) {
                String team = r.tags().getOrDefault("team", r.tags().getOrDefault("Team", ""));
                out.computeIfAbsent(r.billedCost().currency().getCurrencyCode(), c -> new TreeMap<>())
                        .merge(team, r.billedCost().amount(), BigDecimal::add);
            }
        }
        out.values().forEach(values -> values.replaceAll((k, v) -> v.stripTrailingZeros()));
        return out;
    }

    @Override
    public void close() {
        billing.close();
    }

    /** Serves the records of the asked account and period. */
    private record Provider(List<CostRecord> records) implements BillingProvider {
        @Override
        public ProviderId id() {
            return ProviderId.of("tagged");
        }

        @Override
        public String displayName() {
            return "Tagged";
        }

        @Override
        public CredentialSchema credentialSchema() {
            return CredentialSchema.of(CredentialField.text("account", "account"));
        }

        @Override
        public java.util.Set<Capability> capabilities() {
            return java.util.Set.of(Capability.DAILY, Capability.MONTHLY, Capability.TAGS);
        }

        @Override
        public void verify(ServiceAccount account) {
        }

        @Override
        public FetchStats fetch(FetchRequest request, CostSink sink) {
            long n = 0;
            for (CostRecord r : records) {
                LocalDate day = r.chargeDate();
                if (r.serviceAccount().value().equals(request.account().name()) && request.period().contains(day)) {
                    sink.accept(r);
                    n++;
                }
            }
            return FetchStats.builder().records(n).requests(1).pages(1).build();
        }
    }
}
