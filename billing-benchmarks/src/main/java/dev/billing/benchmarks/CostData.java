package dev.billing.benchmarks;

import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccountId;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Seeded synthetic line items in one currency, streamed service account by service account (each
 * holding one billing account, as HyperBilling does), each account's items in date order: the order
 * a fetch delivers them. Every contender is fed from the same stream.
 *
 * @param rows the number of line items
 * @param accounts the number of service accounts (and billing accounts)
 * @param projects the number of projects the service accounts belong to
 * @param start the first day
 * @param days the number of days
 * @param seed the seed
 * @param tagged whether line items have their tag sets; without, the same line items have no tags
 */
public record CostData(int rows, int accounts, int projects, LocalDate start, int days, long seed, boolean tagged) {
    static final Currency USD = Currency.getInstance("USD");
    private static final int SERVICES = 40;
    private static final int REGIONS = 16;
    private static final int USAGE_TYPES = 200;
    private static final int SCALE = 10;
    /** Distinct values of each of the two tag keys. */
    private static final int TAG_VALUES = 30;
    /** Sub accounts per billing account. */
    private static final int SUB_ACCOUNTS = 3;

    /** Tagged line items. */
    public CostData(int rows, int accounts, int projects, LocalDate start, int days, long seed) {
        this(rows, accounts, projects, start, days, seed, true);
    }

    /** @return the same line items without their tags */
    CostData untagged() {
        return new CostData(rows, accounts, projects, start, days, seed, false);
    }

    /** @param sink receives every line item once, in a fixed order */
    public void forEach(Consumer<CostRecord> sink) {
        ProviderId provider = ProviderId.of("hyperbilling-aws");
        String[] services = names("Service", SERVICES);
        String[] regions = names("region-", REGIONS);
        String[] usageTypes = names("usage-", USAGE_TYPES);
        String[] projectIds = names("project-", projects);
        List<Map<String, String>> tagSets = tagSets();
        LocalDate[] dates = new LocalDate[days];
        for (int d = 0; d < days; d++) {
            dates[d] = start.plusDays(d);
        }
        ChargeCategory[] categories = ChargeCategory.values();
        SplittableRandom random = new SplittableRandom(seed);
        int[] accountServices = new int[6];
        int[] accountRegions = new int[2];
        for (int a = 0; a < accounts; a++) {
            String account = Long.toString(100_000_000_000L + a);
            ServiceAccountId serviceAccount = ServiceAccountId.of(String.format("sa-%05d", a));
            ProjectId project = ProjectId.of(projectIds[a % projects]);
            String[] subAccounts = new String[SUB_ACCOUNTS];
            for (int s = 0; s < SUB_ACCOUNTS; s++) {
                subAccounts[s] = account + "-" + s;
            }
            for (int s = 0; s < accountServices.length; s++) {
                accountServices[s] = random.nextInt(SERVICES);
            }
            for (int r = 0; r < accountRegions.length; r++) {
                accountRegions[r] = random.nextInt(REGIONS);
            }
            int n = rows / accounts + (a < rows % accounts ? 1 : 0);
            for (int i = 0; i < n; i++) {
                long unscaled = random.nextInt(50) == 0
                        ? -random.nextLong(1_000_000_000_000L)
                        : random.nextLong(50_000_000_000L);
                ChargeCategory category = unscaled < 0 ? ChargeCategory.CREDIT : categories[random.nextInt(2)];
                sink.accept(CostRecord.builder().chargeDate(dates[(int) ((long) i * days / n)])
                        .provider(provider).billingAccountId(account).serviceAccount(serviceAccount)
                        .subAccountId(subAccounts[random.nextInt(SUB_ACCOUNTS)]).project(project)
                        .tags(tagsIfTagged(tagSets.get(random.nextInt(tagSets.size()))))
                        .service(services[accountServices[random.nextInt(accountServices.length)]])
                        .region(regions[accountRegions[random.nextInt(accountRegions.length)]])
                        .usageType(usageTypes[random.nextInt(USAGE_TYPES)]).chargeCategory(category)
                        .billedCost(new Money(BigDecimal.valueOf(unscaled, SCALE), USD)).build());
            }
        }
    }

    private Map<String, String> tagsIfTagged(Map<String, String> tags) {
        return tagged ? tags : Map.of();
    }

    /**
     * @return every tag set of the keys {@code team} and {@code env}, {@value #TAG_VALUES} values each, shared
     *     between line items as a provider's parser shares repeated values
     */
    static List<Map<String, String>> tagSets() {
        String[] teams = names("team-", TAG_VALUES);
        String[] envs = names("env-", TAG_VALUES);
        List<Map<String, String>> sets = new ArrayList<>(TAG_VALUES * TAG_VALUES);
        for (String team : teams) {
            for (String env : envs) {
                sets.add(Map.of("team", team, "env", env));
            }
        }
        return sets;
    }

    private static String[] names(String prefix, int n) {
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = prefix + String.format("%04d", i);
        }
        return names;
    }
}
