package dev.billing.hyperbilling.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServicesTest {

    @Test
    void knownCodes_areCostExplorersNames() {
        assertThat(Services.name("AmazonEC2")).isEqualTo("Amazon Elastic Compute Cloud - Compute");
        assertThat(Services.name("AmazonS3")).isEqualTo("Amazon Simple Storage Service");
        assertThat(Services.name("AmazonRDS")).isEqualTo("Amazon Relational Database Service");
        assertThat(Services.name("AWSLambda")).isEqualTo("AWS Lambda");
        assertThat(Services.name("AmazonCloudWatch")).isEqualTo("AmazonCloudWatch");
    }

    @Test
    void unknownCodesAndSpecialRows_passThrough() {
        assertThat(Services.name("AmazonBraket")).isEqualTo("AmazonBraket");
        assertThat(Services.name("Tax")).isEqualTo("Tax");
        assertThat(Services.name("")).isEmpty();
        assertThat(Services.name("amazonec2")).as("codes are case-sensitive").isEqualTo("amazonec2");
    }
}
