package dev.billing.aws;

import dev.billing.core.BillingPeriod;
import dev.billing.core.CostRecord;
import dev.billing.core.Credentials;
import dev.billing.core.Granularity;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.billing.provider.HttpSettings;
import dev.billing.provider.RetryPolicy;

/** Shared helpers of the provider's tests. */
abstract class AwsTestSupport {
    static final String KEY_ID = "AKIAEXAMPLEPAYER0001";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
    static final String PAYER = "111111111111";
    static final String LINKED_A = "222222222222";
    static final String LINKED_B = "333333333333";
    static final RetryPolicy FAST = RetryPolicy.defaults().withMaxAttempts(4)
            .withBackoff(Duration.ofMillis(10), Duration.ofMillis(50));

    static AwsCostExplorerProvider.Builder provider(String endpoint) {
        return AwsCostExplorerProvider.builder().endpoint(URI.create(endpoint)).http(http().build());
    }

    /** @return {@link #FAST} and a 5 s request timeout */
    static HttpSettings.Builder http() {
        return HttpSettings.builder().retryPolicy(FAST).requestTimeout(Duration.ofSeconds(5));
    }

    static ServiceAccount account(String name, String... extra) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("accessKeyId", KEY_ID);
        c.put("secretAccessKey", SECRET);
        for (int i = 0; i + 1 < extra.length; i += 2) {
            c.put(extra[i], extra[i + 1]);
        }
        return new ServiceAccount(ServiceAccountId.of(name), ProviderId.of(AwsCostExplorerProvider.ID), ProjectId.of("project-web"),
                Credentials.of(c), Map.of());
    }

    static FetchRequest request(ServiceAccount a, BillingPeriod p, Granularity g) {
        return FetchRequest.of(a, p, g);
    }

    static BillingPeriod month(int year, int month) {
        return BillingPeriod.month(YearMonth.of(year, month));
    }

    /** Records and stats of one fetch. */
    record Result(List<CostRecord> records, FetchStats stats) {
        BigDecimal total() {
            return records.stream().map(r -> r.billedCost().amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
        }
    }

    static Result fetch(AwsCostExplorerProvider p, FetchRequest r) {
        List<CostRecord> out = new ArrayList<>();
        FetchStats stats = p.fetch(r, out::add);
        return new Result(out, stats);
    }
}
