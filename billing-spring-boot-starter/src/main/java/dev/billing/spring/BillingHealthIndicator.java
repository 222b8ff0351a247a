package dev.billing.spring;

import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The Actuator component {@code billing}: UP when every service account's last verification or sync succeeded
 * and none is stale, else DOWN, with each account's provider, project, status and reason. Answers from
 * {@link BillingHealth}'s cached results: a health request never calls a provider.
 */
final class BillingHealthIndicator implements HealthIndicator {
    private final BillingHealth health;

    BillingHealthIndicator(BillingHealth health) {
        this.health = health;
    }

    @Override
    public Health health() {
        Map<String, Map<String, String>> accounts = health.accounts();
        Health.Builder b = health.healthy() ? Health.up() : Health.down();
        return b.withDetail("serviceAccounts", accounts).build();
    }
}
