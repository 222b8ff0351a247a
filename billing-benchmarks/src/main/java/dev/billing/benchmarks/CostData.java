package dev.billing.benchmarks;

import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccountId;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Currency;
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
 */
public record CostData(int rows, int accounts, int projects, LocalDate start, int days, long seed) {
    static final Currency USD = Currency.getInstance("USD");
    private static final int SERVICES = 40;
    private static final int REGIONS = 16;
    private static final int USAGE_TYPES = 200;
    private static final int SCALE = 10;

    /** @param sink receives every line item once, in a fixed order */
    public void forEach(Consumer<CostRecord> sink) {
        ProviderId provider = ProviderId.of("hyperbilling-aws");
        String[] services = names("Service", SERVICES);
        String[] regions = names("region-", REGIONS);
        String[] usageTypes = names("usage-", USAGE_TYPES);
        String[] projectIds = names("project-", projects);
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
                        .project(project)
                        .service(services[accountServices[random.nextInt(accountServices.length)]])
                        .region(regions[accountRegions[random.nextInt(accountRegions.length)]])
                        .usageType(usageTypes[random.nextInt(USAGE_TYPES)]).chargeCategory(category)
                        .billedCost(new Money(BigDecimal.valueOf(unscaled, SCALE), USD)).build());
            }
        }
    }

    private static String[] names(String prefix, int n) {
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = prefix + String.format("%04d", i);
        }
        return names;
    }
}
