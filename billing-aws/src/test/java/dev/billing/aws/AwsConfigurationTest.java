package dev.billing.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.spi.BillingProviderFactory;
import dev.billing.aws.internal.AwsCostExplorerProviderFactory;
import dev.billing.core.spi.ProviderSetting;
import java.net.URI;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class AwsConfigurationTest {

    @Test
    void serviceLoader_findsTheFactory_whichDeclaresEverySetting() {
        BillingProviderFactory f = ServiceLoader.load(BillingProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(x -> x.id().equals("aws-cost-explorer")).findFirst().orElseThrow();
        assertThat(f.settings()).extracting(ProviderSetting::name)
                .containsExactly("endpoint", "region", "stsEndpoint", "costMetric", "maxRequestsPerFetch", "tagKeys");
        assertThat(f.settings()).allSatisfy(s -> assertThat(s.required()).isFalse());
        ProviderSetting metric = f.settings().get(3);
        assertThat(metric.accepts("AmortizedCost")).isTrue();
        assertThat(metric.accepts("Cheapest")).isFalse();
    }

    @Test
    void create_readsEverySetting() {
        try (AwsCostExplorerProvider p = (AwsCostExplorerProvider) new AwsCostExplorerProviderFactory().create(Map.of(
                "endpoint", "http://127.0.0.1:4566/", "region", "eu-west-1", "stsEndpoint", "https://sts.eu-west-1.amazonaws.com",
                "costMetric", "NetAmortizedCost", "maxRequestsPerFetch", "120", "tagKeys", " team , cost-center"))) {
            assertThat(p.tagKeys()).containsExactly("team", "cost-center");
            assertThat(p.capabilities()).contains(dev.billing.core.spi.Capability.TAGS);
            assertThat(p.endpoint()).contains(URI.create("http://127.0.0.1:4566"));
            assertThat(p.region()).isEqualTo("eu-west-1");
            assertThat(p.stsEndpoint()).contains(URI.create("https://sts.eu-west-1.amazonaws.com"));
            assertThat(p.costMetric()).isEqualTo(CostMetric.NET_AMORTIZED_COST);
            assertThat(p.maxRequestsPerFetch()).isEqualTo(120);
            assertThat(p.id().value()).isEqualTo("aws-cost-explorer");
            assertThat(p.displayName()).isEqualTo("AWS Cost Explorer");
        }
    }

    @Test
    void create_withDefaults_usesUsEast1UnblendedAndTheDefaultCap() {
        try (AwsCostExplorerProvider p = (AwsCostExplorerProvider) new AwsCostExplorerProviderFactory().create(Map.of())) {
            assertThat(p.endpoint()).isEmpty();
            assertThat(p.region()).isEqualTo("us-east-1");
            assertThat(p.costMetric()).isEqualTo(CostMetric.UNBLENDED_COST);
            assertThat(p.maxRequestsPerFetch()).isEqualTo(AwsCostExplorerProvider.DEFAULT_MAX_REQUESTS_PER_FETCH);
            assertThat(p.tagKeys()).isEmpty();
            assertThat(p.capabilities()).doesNotContain(dev.billing.core.spi.Capability.TAGS);
        }
    }

    @Test
    void create_refusesMalformedSettingsNamingThem() {
        var f = new AwsCostExplorerProviderFactory();
        assertThatThrownBy(() -> f.create(Map.of("endpoint", "http://ce.example.com"))).isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("'endpoint'").hasMessageContaining("loopback");
        assertThatThrownBy(() -> f.create(Map.of("stsEndpoint", "ftp://x"))).isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("'stsEndpoint'");
        assertThatThrownBy(() -> f.create(Map.of("region", "mars"))).isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("'region'");
        assertThatThrownBy(() -> f.create(Map.of("costMetric", "Cheapest"))).isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("UnblendedCost, AmortizedCost");
        assertThatThrownBy(() -> f.create(Map.of("maxRequestsPerFetch", "0"))).isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("'maxRequestsPerFetch'");
        for (String tagKeys : new String[] {"team,,env", "team,team", " ", "x".repeat(129)}) {
            assertThatThrownBy(() -> f.create(Map.of("tagKeys", tagKeys))).isInstanceOf(ProviderConfigurationException.class)
                    .hasMessageContaining("'tagKeys'");
        }
        assertThatThrownBy(() -> f.create(Map.of("maxAttempts", "3"))).isInstanceOf(ProviderConfigurationException.class)
                .hasMessageContaining("known settings: endpoint, region");
    }

    @Test
    void credentialSchema_marksSecretsAndValidatesFormats() {
        try (AwsCostExplorerProvider p = AwsCostExplorerProvider.builder().build()) {
            var schema = p.credentialSchema();
            assertThat(schema.field("secretAccessKey").orElseThrow().secret()).isTrue();
            assertThat(schema.field("sessionToken").orElseThrow().secret()).isTrue();
            assertThat(schema.field("sessionToken").orElseThrow().required()).isFalse();
            assertThat(schema.field("accessKeyId").orElseThrow().secret()).isFalse();
            assertThat(schema.field("linkedAccount").orElseThrow().accepts("123456789012")).isTrue();
            assertThat(schema.field("linkedAccount").orElseThrow().accepts("1234")).isFalse();
            assertThat(schema.field("roleArn").orElseThrow().accepts("arn:aws:iam::123456789012:role/billing-reader")).isTrue();
            assertThat(schema.field("roleArn").orElseThrow().accepts("arn:aws:iam::1234:user/x")).isFalse();
        }
    }
}
