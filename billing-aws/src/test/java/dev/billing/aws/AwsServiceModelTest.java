package dev.billing.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.core.Granularity;
import dev.billing.testkit.AwsCostExplorerSimulator;
import dev.billing.testkit.AwsCostExplorerSimulator.Row;
import java.math.BigDecimal;
import java.net.URI;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.costexplorer.CostExplorerClient;
import software.amazon.awssdk.services.costexplorer.model.CostExplorerException;
import software.amazon.awssdk.services.costexplorer.model.DateInterval;
import software.amazon.awssdk.services.costexplorer.model.Expression;
import software.amazon.awssdk.services.costexplorer.model.GetCostAndUsageRequest;
import software.amazon.awssdk.services.costexplorer.model.GetCostAndUsageResponse;
import software.amazon.awssdk.services.costexplorer.model.MatchOption;
import software.amazon.awssdk.services.costexplorer.model.TagValues;
import software.amazon.awssdk.services.costexplorer.model.GroupDefinition;

/**
 * The simulator refuses what Cost Explorer's service model refuses (boto/botocore,
 * botocore/data/ce/2017-10-25/service-2.json at 0e6e2404b85dc336dd2889814e089bde7d1a4c55), spoken to with the
 * official SDK, and the provider never sends such a request.
 */
@Timeout(60)
class AwsServiceModelTest extends AwsTestSupport {
    private AwsCostExplorerSimulator sim;
    private CostExplorerClient ce;

    @BeforeEach
    void start() {
        sim = AwsCostExplorerSimulator.builder().account(PAYER, KEY_ID, SECRET)
                .row(new Row(PAYER, LocalDate.of(2026, 1, 5), LINKED_A, "AWS Lambda", "us-east-1", "Usage", "USD", BigDecimal.ONE))
                .row(new Row(PAYER, LocalDate.of(2026, 1, 5), LINKED_B, "Tax", "global", "Tax", "USD", BigDecimal.TEN))
                .row(new Row(PAYER, LocalDate.of(2026, 1, 6), LINKED_A, "AWS Lambda", "us-east-1", "Usage", "USD", BigDecimal.ONE)
                        .withTags(Map.of("team", "web")))
                .start();
        ce = CostExplorerClient.builder().endpointOverride(URI.create(sim.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY_ID, SECRET)))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterEach
    void stop() {
        ce.close();
        sim.close();
    }

    private CostExplorerException refused(Consumer<GetCostAndUsageRequest.Builder> change) {
        GetCostAndUsageRequest.Builder b = GetCostAndUsageRequest.builder()
                .timePeriod(DateInterval.builder().start("2026-01-01").end("2026-02-01").build())
                .granularity("MONTHLY").metrics("UnblendedCost");
        change.accept(b);
        return catchThrowableOfType(() -> ce.getCostAndUsage(b.build()), CostExplorerException.class);
    }

    private static GroupDefinition group(String type, String key) {
        return GroupDefinition.builder().type(type).key(key).build();
    }

    @Test
    void aThirdGroupByKey_anUnknownDimensionOrType_andMissingMembers_areValidationExceptions() {
        assertThat(refused(b -> { })).isNull();
        CostExplorerException third = refused(b -> b.groupBy(group("DIMENSION", "SERVICE"), group("DIMENSION", "REGION"),
                group("DIMENSION", "RECORD_TYPE")));
        assertThat(third.statusCode()).isEqualTo(400);
        assertThat(third.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        assertThat(refused(b -> b.groupBy(group("DIMENSION", "COUNTRY"))).awsErrorDetails().errorCode())
                .isEqualTo("ValidationException");
        CostExplorerException type = refused(b -> b.groupBy(group("LABEL", "SERVICE")));
        assertThat(type.awsErrorDetails().errorMessage()).contains("enum value set: [DIMENSION, TAG, COST_CATEGORY]");
        assertThat(refused(b -> b.granularity("WEEKLY")).awsErrorDetails().errorMessage())
                .contains("enum value set: [DAILY, MONTHLY, HOURLY]");
        assertThat(refused(b -> b.metrics("Cost")).awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        assertThat(refused(b -> b.granularity((String) null)).awsErrorDetails().errorMessage()).contains("'granularity'");
    }

    /**
     * GroupBy TAG answers {@code key$value}, {@code key$} for lines without the tag (API reference, GetCostAndUsage
     * {@code GroupBy}: "you get all tag values, including empty strings"); a tag with a third key is still refused, and a
     * {@code Tags} filter takes only {@code MatchOption} values.
     */
    @Test
    void aTagGroup_answersKeyDollarValue_andATagFilterSelectsValuesOrTheAbsentTag() {
        GetCostAndUsageResponse byTag = ce.getCostAndUsage(GetCostAndUsageRequest.builder()
                .timePeriod(DateInterval.builder().start("2026-01-01").end("2026-02-01").build()).granularity("MONTHLY")
                .metrics("UnblendedCost").groupBy(group("DIMENSION", "LINKED_ACCOUNT"), group("TAG", "team")).build());
        assertThat(byTag.resultsByTime().get(0).groups()).extracting(g -> String.join(" ", g.keys()))
                .containsExactlyInAnyOrder(LINKED_A + " team$", LINKED_A + " team$web", LINKED_B + " team$");
        Function<TagValues, String> total = t -> ce.getCostAndUsage(GetCostAndUsageRequest.builder()
                .timePeriod(DateInterval.builder().start("2026-01-01").end("2026-02-01").build()).granularity("MONTHLY")
                .metrics("UnblendedCost").filter(Expression.builder().tags(t).build()).build())
                .resultsByTime().get(0).total().get("UnblendedCost").amount();
        assertThat(new BigDecimal(total.apply(TagValues.builder().key("team").values("web").build()))).isEqualByComparingTo("1");
        assertThat(new BigDecimal(total.apply(TagValues.builder().key("team").matchOptions(MatchOption.ABSENT).build())))
                .isEqualByComparingTo("11");
        assertThat(refused(b -> b.groupBy(group("TAG", "team"), group("DIMENSION", "SERVICE"), group("DIMENSION", "REGION")))
                .awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        assertThat(refused(b -> b.filter(Expression.builder().tags(TagValues.builder().key("team")
                .matchOptionsWithStrings("LIKE").build()).build())).awsErrorDetails().errorMessage())
                .contains("enum value set: [EQUALS, ABSENT");
    }

    @Test
    void theProvidersRequests_neverHaveMoreThanTwoGroupByKeys_andOnlyModelDimensions() throws Exception {
        try (AwsCostExplorerProvider provider = provider(sim.endpoint()).tagKeys(List.of("team", "env")).build()) {
            fetch(provider, request(account("prod-aws"), month(2026, 1), Granularity.DAILY));
            provider.verify(account("prod-aws"));
        }
        ObjectMapper json = new ObjectMapper();
        assertThat(sim.costRequestBodies()).isNotEmpty();
        for (String body : sim.costRequestBodies()) {
            JsonNode groupBy = json.readTree(body).path("GroupBy");
            assertThat(groupBy.size()).as(body).isLessThanOrEqualTo(2);
            groupBy.forEach(g -> assertThat(g.path("Type").asText()).isIn("DIMENSION", "TAG"));
        }
    }
}
