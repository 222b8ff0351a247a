package dev.billing.benchmarks;

import dev.billing.core.Allocation;
import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
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
import java.util.Arrays;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The end-to-end data set: seeded line items of {@code accounts} service accounts in {@code projects}
 * projects, 40 services, 16 regions, 200 usage types, over the first quarter of 2026, in USD (three
 * accounts in four, amounts with 10 decimals) and KRW (every fourth account, amounts with 2 decimals);
 * about one line item in fifty is a credit; each item has one of three sub accounts of its billing account
 * and a tag set of two keys, {@code team} and {@code env}, with 30 values each. Each account's items are generated from their own seed, in date
 * order, so that an account can be generated alone, and every contender sees exactly the same items.
 *
 * @param rows the number of line items
 * @param accounts the number of service accounts
 * @param projects the number of projects
 * @param seed the seed
 * @param tagged whether line items have their tag sets; without, the same line items have no tags
 */
record EndToEndData(int rows, int accounts, int projects, long seed, boolean tagged) {
    static final String PROVIDER = "e2e-memory";
    static final YearMonth FIRST = YearMonth.of(2026, 1);
    static final YearMonth LAST = YearMonth.of(2026, 3);
    static final BillingPeriod PERIOD = BillingPeriod.monthsThrough(FIRST, LAST);
    static final Currency USD = Currency.getInstance("USD");
    static final Currency KRW = Currency.getInstance("KRW");
    private static final int SERVICES = 40;
    private static final int REGIONS = 16;
    private static final int USAGE_TYPES = 200;
    private static final ProviderId PROVIDER_ID = ProviderId.of(PROVIDER);
    private static final String[] SERVICE_NAMES = names("Service", SERVICES);
    private static final String[] REGION_NAMES = names("region-", REGIONS);
    private static final String[] USAGE_NAMES = names("usage-", USAGE_TYPES);
    private static final ChargeCategory[] CATEGORIES = ChargeCategory.values();
    private static final List<Map<String, String>> TAG_SETS = CostData.tagSets();

    /** Tagged line items. */
    EndToEndData(int rows, int accounts, int projects, long seed) {
        this(rows, accounts, projects, seed, true);
    }

    /** @return the same line items without their tags */
    EndToEndData untagged() {
        return new EndToEndData(rows, accounts, projects, seed, false);
    }

    /** The default set: 5,000,000 line items, 2,000 accounts, 50 projects. */
    static EndToEndData standard() {
        return new EndToEndData(5_000_000, 2_000, 50, 18);
    }

    /**
     * The allocation of the "with allocation" benchmarks: 50 rules and 3 splits over the standard set, reading the
     * billing account, the sub account, the service, the registered project and {@code tag:team}. Twenty rules
     * route five billing accounts each (the first five to {@code shared-platform}), ten route ten sub accounts
     * each (the first five to {@code shared-network}), ten route a service of one project, five route a team's
     * line items of three services, and five take the project from the {@code team} tag for the line items of
     * twenty accounts each. The splits: {@code shared-platform} evenly to three projects, the service
     * {@code Service0039} (in every project) 50/30/20 to three, and {@code shared-network} in proportion to five
     * projects' own costs.
     */
    static Allocation allocation() {
        Allocation.Builder b = Allocation.builder();
        for (int r = 0; r < 20; r++) {
            List<String> accounts = new ArrayList<>();
            for (int a = 0; a < 5; a++) {
                accounts.add(Long.toString(100_000_000_000L + 7 + r * 5 + a));
            }
            b.rule(String.format("account-%02d", r), Map.of("account", accounts),
                    r < 5 ? "shared-platform" : String.format("alloc-account-%02d", r));
        }
        for (int r = 0; r < 10; r++) {
            List<String> subs = new ArrayList<>();
            for (int s = 0; s < 10; s++) {
                subs.add((100_000_000_000L + 300 + r * 10 + s) + "-" + (s % 3));
            }
            b.rule(String.format("sub-account-%02d", r), Map.of("subAccount", subs),
                    r < 5 ? "shared-network" : String.format("alloc-sub-%02d", r));
        }
        for (int r = 0; r < 10; r++) {
            b.rule(String.format("service-%02d", r), Map.of("service", List.of(SERVICE_NAMES[r * 3]),
                    "project", List.of(projectOf(r * 4, 50))), String.format("alloc-service-%02d", r));
        }
        for (int r = 0; r < 5; r++) {
            b.rule(String.format("team-%02d", r), Map.of("tag:team", List.of(String.format("team-%04d", r * 6)),
                    "service", List.of(SERVICE_NAMES[r], SERVICE_NAMES[r + 10], SERVICE_NAMES[r + 20])),
                    String.format("alloc-team-%02d", r));
        }
        for (int r = 0; r < 5; r++) {
            List<String> accounts = new ArrayList<>();
            for (int a = 0; a < 20; a++) {
                accounts.add(Long.toString(100_000_000_000L + 1_000 + r * 20 + a));
            }
            b.ruleFromTag(String.format("from-team-%02d", r), Map.of("account", accounts), "team");
        }
        b.split("platform", Map.of("project", List.of("shared-platform")),
                List.of("project-000", "project-001", "project-002"), Allocation.Method.EVEN);
        b.fixedSplit("support", Map.of("service", List.of(SERVICE_NAMES[39])),
                List.of("project-010", "project-011", "project-012"), List.of("50", "30", "20"));
        b.split("network", Map.of("project", List.of("shared-network")),
                List.of("project-020", "project-021", "project-022", "project-023", "project-024"),
                Allocation.Method.PROPORTIONAL);
        return b.build();
    }

    static String accountName(int a) {
        return String.format("sa-%05d", a);
    }

    static String projectOf(int a, int projects) {
        return String.format("project-%03d", a % projects);
    }

    /** @return the account index of a service account name made by {@link #accountName} */
    static int accountIndex(String name) {
        return Integer.parseInt(name.substring(3));
    }

    /** Streams one account's line items, in date order. */
    void forEach(int a, Consumer<CostRecord> sink) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + a);
        String billingAccount = Long.toString(100_000_000_000L + a);
        ServiceAccountId serviceAccount = ServiceAccountId.of(accountName(a));
        ProjectId project = ProjectId.of(projectOf(a, projects));
        boolean krw = a % 4 == 3;
        Currency currency = krw ? KRW : USD;
        int[] services = new int[6];
        for (int s = 0; s < services.length; s++) {
            services[s] = random.nextInt(SERVICES);
        }
        int[] regions = {random.nextInt(REGIONS), random.nextInt(REGIONS)};
        String[] subAccounts = {billingAccount + "-0", billingAccount + "-1", billingAccount + "-2"};
        LocalDate start = PERIOD.start();
        int days = (int) (PERIOD.end().toEpochDay() - start.toEpochDay());
        LocalDate[] dates = new LocalDate[days];
        for (int d = 0; d < days; d++) {
            dates[d] = start.plusDays(d);
        }
        int n = rows / accounts + (a < rows % accounts ? 1 : 0);
        for (int i = 0; i < n; i++) {
            long unscaled = random.nextInt(50) == 0
                    ? -random.nextLong(krw ? 1_000_000_000L : 1_000_000_000_000L)
                    : random.nextLong(krw ? 5_000_000_000L : 50_000_000_000L);
            ChargeCategory category = unscaled < 0 ? ChargeCategory.CREDIT : CATEGORIES[random.nextInt(2)];
            sink.accept(CostRecord.builder().chargeDate(dates[(int) ((long) i * days / n)])
                    .provider(PROVIDER_ID).billingAccountId(billingAccount).serviceAccount(serviceAccount)
                    .subAccountId(subAccounts[random.nextInt(subAccounts.length)]).project(project)
                    .tags(tagsIfTagged(TAG_SETS.get(random.nextInt(TAG_SETS.size()))))
                    .service(SERVICE_NAMES[services[random.nextInt(services.length)]])
                    .region(REGION_NAMES[regions[random.nextInt(regions.length)]])
                    .usageType(USAGE_NAMES[random.nextInt(USAGE_TYPES)]).chargeCategory(category)
                    .billedCost(new Money(BigDecimal.valueOf(unscaled, krw ? 2 : 10), currency)).build());
        }
    }

    /** @return every account's line items, generated once and held in memory */
    CostRecord[][] generate() {
        CostRecord[][] all = new CostRecord[accounts][];
        for (int a = 0; a < accounts; a++) {
            List<CostRecord> list = new ArrayList<>();
            forEach(a, list::add);
            all[a] = list.toArray(CostRecord[]::new);
        }
        return all;
    }

    /** @return a provider serving {@code held} (or, when null, generating each account's items as it is fetched) */
    BillingProvider provider(CostRecord[][] held) {
        return new Provider(this, held);
    }

    private Map<String, String> tagsIfTagged(Map<String, String> tags) {
        return tagged ? tags : Map.of();
    }

    static Credentials credentials(int a) {
        return Credentials.of(Map.of("account", Long.toString(100_000_000_000L + a)));
    }

    private static String[] names(String prefix, int n) {
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = prefix + String.format("%04d", i);
        }
        return names;
    }

    /**
     * A provider whose "vendor" is this process's memory: it streams an account's line items in the
     * asked period, in pages of {@value #PAGE} items, as a provider streams the pages of an API.
     */
    private static final class Provider implements BillingProvider {
        static final int PAGE = 1_000;
        private final EndToEndData data;
        private final CostRecord[][] held;

        Provider(EndToEndData data, CostRecord[][] held) {
            this.data = data;
            this.held = held;
        }

        @Override
        public ProviderId id() {
            return PROVIDER_ID;
        }

        @Override
        public String displayName() {
            return "in-memory end-to-end data";
        }

        @Override
        public CredentialSchema credentialSchema() {
            return CredentialSchema.of(CredentialField.text("account", "the billing account"));
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.DAILY, Capability.MONTHLY, Capability.TAGS);
        }

        @Override
        public void verify(ServiceAccount account) {
            // always valid
        }

        @Override
        public FetchStats fetch(FetchRequest request, CostSink sink) {
            int a = accountIndex(request.account().name());
            LocalDate from = request.period().start();
            LocalDate to = request.period().end();
            Page page = new Page(sink);
            if (held != null) {
                CostRecord[] items = held[a];
                int i = firstOnOrAfter(items, from);
                for (; i < items.length && items[i].chargeDate().isBefore(to); i++) {
                    page.add(items[i]);
                }
            } else {
                data.forEach(a, r -> {
                    if (!r.chargeDate().isBefore(from) && r.chargeDate().isBefore(to)) {
                        page.add(r);
                    }
                });
            }
            page.flush();
            return FetchStats.builder().records(page.records).requests(page.pages).pages(page.pages).build();
        }

        private static int firstOnOrAfter(CostRecord[] items, LocalDate day) {
            int lo = 0;
            int hi = items.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (items[mid].chargeDate().isBefore(day)) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    /** One page of line items on its way to the sink. */
    private static final class Page {
        private final CostSink sink;
        private final CostRecord[] buffer = new CostRecord[Provider.PAGE];
        private int size;
        long records;
        int pages;

        Page(CostSink sink) {
            this.sink = sink;
        }

        void add(CostRecord r) {
            buffer[size++] = r;
            if (size == buffer.length) {
                flush();
            }
        }

        void flush() {
            if (size > 0) {
                pages++;
                records += size;
                deliver(sink, Arrays.asList(buffer).subList(0, size));
                size = 0;
            }
        }

        private static void deliver(CostSink sink, List<CostRecord> page) {
            sink.acceptAll(page);
        }
    }
}
