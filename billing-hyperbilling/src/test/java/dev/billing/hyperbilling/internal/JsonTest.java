package dev.billing.hyperbilling.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsePage_fieldsInAnyOrderAndUnknownFields_readsTheSameRows() {
        Page usual = parse("{\"Results\":[{\"GroupBy\":{\"USAGE_DATE\":\"2026-01-05\",\"REGION\":\"APN2\","
                + "\"SERVICE_CODE\":\"AmazonEC2\",\"USAGE_TYPE\":\"APN2-BoxUsage\",\"INSTANCE_TYPE\":\"t3.micro\"},"
                + "\"Value\":{\"USAGE_COST\":1.50,\"USAGE_QUANTITY\":24}}]}");
        Page shuffled = parse("{\"Results\":[{\"Extra\":{\"a\":[1,{\"b\":2}]},\"Value\":{\"USAGE_QUANTITY\":24,"
                + "\"Other\":\"x\",\"USAGE_COST\":1.50},\"GroupBy\":{\"INSTANCE_TYPE\":null,\"USAGE_TYPE\":\"APN2-BoxUsage\","
                + "\"Unknown\":{\"USAGE_DATE\":\"1999-01-01\"},\"SERVICE_CODE\":\"AmazonEC2\",\"REGION\":\"APN2\","
                + "\"USAGE_DATE\":\"2026-01-05\"}}]}");

        assertThat(shuffled.rows()).isEqualTo(usual.rows());
        assertThat(usual.rows().get(0).usageCost()).isEqualTo(new BigDecimal("1.50"));
    }

    @Test
    void parsePage_repeatedValues_sharesOneStringPerValue() {
        String row = "{\"GroupBy\":{\"USAGE_DATE\":\"2026-01-05\",\"REGION\":\"APN2\",\"SERVICE_CODE\":\"AmazonEC2\","
                + "\"USAGE_TYPE\":\"APN2-BoxUsage\"},\"Value\":{\"USAGE_COST\":1}}";

        Page page = parse("{\"Results\":[" + row + "," + row + "]}");

        assertThat(page.rows().get(1).serviceCode()).isSameAs(page.rows().get(0).serviceCode());
        assertThat(page.rows().get(1).usageDate()).isSameAs(page.rows().get(0).usageDate());
    }

    @Test
    void parsePage_costWhoseScaleOverflows_throwsReplyException() {
        assertThatThrownBy(() -> parse("{\"Results\":[{\"GroupBy\":{\"USAGE_DATE\":\"2026-01-05\"},"
                + "\"Value\":{\"USAGE_COST\":1.5E9999999999}}]}"))
                .isInstanceOf(ReplyException.class).hasMessageContaining("USAGE_COST");
    }

    private static Page parse(String body) {
        return Json.parsePage(body.getBytes(StandardCharsets.UTF_8));
    }
}
