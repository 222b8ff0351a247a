package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.AccountCoverage;
import dev.billing.core.AccountStatus;
import dev.billing.core.BillingException;
import dev.billing.core.Credentials;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.FetchStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private static AccountCoverage coverage(String name, String error) {
        return new AccountCoverage(ServiceAccountId.of(name), ProviderId.of("hyperbilling-aws"), ProjectId.of("p"),
                error == null ? AccountStatus.Ok.INSTANCE : new AccountStatus.Failed(new BillingException(error)),
                Instant.EPOCH, FetchStats.EMPTY);
    }

    @Test
    void plainLines_countInOrderEvenWhenTheEngineReportsOutOfOrder() {
        StringWriter err = new StringWriter();
        Progress p = new Progress(new PrintWriter(err, true), false);
        p.finished(coverage("a", null), 2, 2);
        p.finished(coverage("b", "credentials rejected\nby hyperbilling-aws (HTTP 401)"), 1, 2);
        assertThat(err.toString().lines()).containsExactly("fetched 1/2: a OK",
                "fetched 2/2: b FAILED: credentials rejected by hyperbilling-aws (HTTP 401)");
    }

    @Test
    void terminal_redrawsOneLine_printsFailuresOnTheirOwnLine() {
        StringWriter err = new StringWriter();
        Progress p = new Progress(new PrintWriter(err, true), true);
        for (String name : new String[] {"a", "b", "c"}) {
            p.started(new ServiceAccount(ServiceAccountId.of(name), ProviderId.of("hyperbilling-aws"), ProjectId.of("p"),
                    Credentials.of(Map.of()), Map.of()));
        }
        p.finished(coverage("a", null), 1, 3);
        p.finished(coverage("b", "rejected"), 2, 3);
        p.finished(coverage("c", null), 3, 3);
        assertThat(err.toString()).contains("\r\033[Kfetched 1/3 service accounts, 2 in flight")
                .contains("fetched b FAILED: rejected\n").endsWith("fetched 3/3 service accounts, 0 in flight\n");
        assertThat(err.toString().chars().filter(c -> c == '\n')).hasSize(2);
    }

    @Test
    void oneInstanceOverSeveralReports_startsEachReportsCountAfresh() {
        StringWriter err = new StringWriter();
        Progress p = new Progress(new PrintWriter(err, true), false);
        p.finished(coverage("a", null), 1, 2);
        p.finished(coverage("b", null), 2, 2);
        p.finished(coverage("a", null), 1, 2);
        p.finished(coverage("b", null), 2, 2);
        p.finished(coverage("c", null), 1, 1);
        assertThat(err.toString().lines()).containsExactly("fetched 1/2: a OK", "fetched 2/2: b OK",
                "fetched 1/2: a OK", "fetched 2/2: b OK", "fetched 1/1: c OK");
    }
}
