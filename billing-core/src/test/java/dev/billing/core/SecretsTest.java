package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.billing.core.spi.FetchRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Secret credential values never leave the credentials: not in toString, exception messages, reports or logs (run
 * with every logger at TRACE: tag trace-logging, root pom; the log is captured here).
 */
@Tag("trace-logging")
class SecretsTest {
    private static final String KEY = "TopSecretKey0123456789";
    private static final BillingPeriod JAN = BillingPeriod.month(YearMonth.of(2026, 1));

    @Test
    @Timeout(10)
    void secrets_neverAppearInToStringExceptionMessagesReportsOrLogs() {
        List<String> texts = new ArrayList<>();
        String log;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            TestProvider provider = new TestProvider()
                    .serve("ok", List.of(Records.usdRecord("ok", "web", "2026-01-02", "1")))
                    .serve("boom", List.of(Records.usdRecord("boom", "web", "2026-01-02", "2")))
                    .fail("boom", TestProvider.Failure.UNEXPECTED, 1)
                    .fail("down", TestProvider.Failure.UNAVAILABLE, 0);
            try (Billing billing = Billing.builder().discoverProviders(false).addProvider(provider).build()) {
                ServiceAccountRegistry registry = billing.serviceAccounts();
                for (String name : List.of("ok", "boom", "down")) {
                    ServiceAccount a = registry.register(name, TestProvider.ID, TestProvider.credentials(KEY), "web");
                    texts.add(a.toString());
                    texts.add(a.credentials().toString());
                    texts.add(FetchRequest.of(a, JAN, Granularity.DAILY).toString());
                }
                texts.add(failure(() -> registry.register("ok", TestProvider.ID, TestProvider.credentials(KEY), "web")));
                texts.add(failure(() -> registry.register("bad", TestProvider.ID, TestProvider.credentials(KEY + "!"),
                        "web")));
                texts.add(failure(() -> registry.register("bad", TestProvider.ID, Credentials.of(Map.of(
                        "account", "123456789012", "email", "a@b", "key", KEY, "secret", KEY)), "web")));
                texts.add(failure(() -> registry.register("bad", TestProvider.ID, Credentials.of(Map.of(
                        "account", "123456789012", "key", KEY)), "web")));
                texts.add(failure(() -> registry.register("bad", TestProvider.ID, TestProvider.credentials(KEY), null)));
                texts.add(failure(() -> registry.register("bad", "hyperbilling-aws", TestProvider.credentials(KEY),
                        "web")));
                texts.add(failure(() -> registry.verify("down")));

                CostReport report = billing.costs().report(CostQuery.builder(JAN).groupBy(Dimension.SERVICE_ACCOUNT)
                        .build());

                assertThat(report.coverage()).extracting(AccountCoverage::code).containsExactly(
                        CoverageStatus.OK, CoverageStatus.FAILED, CoverageStatus.FAILED);
                texts.add(report.toString());
                texts.add(report.query().toString());
                report.coverage().forEach(c -> texts.add(c.toString()));
                report.rows().forEach(r -> texts.add(r.toString()));
            }
        } finally {
            System.setErr(originalErr);
            log = captured.toString(StandardCharsets.UTF_8);
        }

        // the capture works: the failures and the fetch details were logged
        assertThat(log).contains("service account boom left out of the report", "service account down left out",
                "service account ok: 1 records");
        assertThat(log).doesNotContain(KEY);
        assertThat(texts).hasSizeGreaterThan(15).allSatisfy(t -> assertThat(t).doesNotContain(KEY));
    }

    private static String failure(Runnable call) {
        Throwable t = catchThrowable(call::run);
        assertThat(t).isInstanceOf(BillingException.class);
        return t + " " + t.getMessage();
    }
}
