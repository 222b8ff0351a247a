package dev.billing.core.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.Credentials;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.WindowReplacement;
import dev.billing.core.spi.WindowSource;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClaimedWindowTest {
    private static final ServiceAccount ACCOUNT = new ServiceAccount(ServiceAccountId.of("sa-1"), ProviderId.of("fake"),
            ProjectId.of("p-1"), Credentials.of(Map.of("k", "v")), Map.of());
    private static final YearMonth MONTH = YearMonth.of(2026, 1);

    /** Counts its releases; its replacement gives the claim back itself. */
    private static final class CountingLease extends ClaimedWindow {
        int releases;

        CountingLease() {
            super(ACCOUNT, MONTH);
        }

        @Override
        public Optional<WindowReplacement> replace(Instant syncedAt, WindowSource source) {
            markReleased();
            return Optional.empty();
        }

        @Override
        protected void release() {
            releases++;
        }
    }

    @Test
    void holdsTheWindow() {
        CountingLease lease = new CountingLease();

        assertThat(lease.account()).isSameAs(ACCOUNT);
        assertThat(lease.month()).isEqualTo(MONTH);
    }

    @Test
    void close_releasesOnce() {
        CountingLease lease = new CountingLease();

        lease.close();
        lease.close();

        assertThat(lease.releases).isEqualTo(1);
    }

    @Test
    void close_afterTheReplacementGaveTheClaimBack_releasesNothing() {
        CountingLease lease = new CountingLease();

        lease.replace(Instant.EPOCH, sink -> null);
        lease.close();

        assertThat(lease.releases).isZero();
    }
}
