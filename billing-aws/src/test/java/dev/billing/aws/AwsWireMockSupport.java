package dev.billing.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** WireMock on a dynamic loopback port, answering Cost Explorer's JSON 1.1 like AWS does. */
abstract class AwsWireMockSupport extends AwsTestSupport {
    static final String TARGET = "AWSInsightsIndexService.GetCostAndUsage";
    WireMockServer server;
    AwsCostExplorerProvider provider;

    @BeforeEach
    void startServer() {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        provider = provider("http://127.0.0.1:" + server.port()).build();
    }

    @AfterEach
    void stopServer() {
        provider.close();
        server.stop();
    }

    /** @return a stub for discovery requests (grouped by LINKED_ACCOUNT, RECORD_TYPE) */
    static MappingBuilder discovery() {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(TARGET))
                .withRequestBody(matchingJsonPath("$.GroupBy[0].Key", equalTo("LINKED_ACCOUNT")));
    }

    /** @return a stub for detail requests (grouped by SERVICE, REGION) */
    static MappingBuilder detail() {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(TARGET))
                .withRequestBody(matchingJsonPath("$.GroupBy[0].Key", equalTo("SERVICE")));
    }

    static ResponseDefinitionBuilder ok(String json) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withHeader("x-amzn-RequestId", "4c1b5f0e-0000-4000-8000-000000000000").withBody(json);
    }

    static ResponseDefinitionBuilder error(int status, String type, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withHeader("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.coral.service/")
                .withBody("{\"__type\":\"" + type + "\",\"Message\":\"" + message + "\"}");
    }

    /** A discovery answer: one (linked account, record type) group per pair, for one month. */
    static String discoveryPage(String start, String end, String... pairs) {
        StringBuilder groups = new StringBuilder();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (groups.length() > 0) {
                groups.append(',');
            }
            groups.append(group("1", pairs[i], pairs[i + 1]));
        }
        return "{\"GroupDefinitions\":[{\"Type\":\"DIMENSION\",\"Key\":\"LINKED_ACCOUNT\"},{\"Type\":\"DIMENSION\",\"Key\":\"RECORD_TYPE\"}],"
                + "\"ResultsByTime\":[" + result(start, end, false, groups.toString()) + "],"
                + "\"DimensionValueAttributes\":[]}";
    }

    static String result(String start, String end, boolean estimated, String groups) {
        return "{\"TimePeriod\":{\"Start\":\"" + start + "\",\"End\":\"" + end + "\"},\"Total\":{},\"Groups\":[" + groups
                + "],\"Estimated\":" + estimated + "}";
    }

    /** A group whose unblended and amortized cost are both {@code amount}. */
    static String group(String amount, String key1, String key2) {
        return group(amount, amount, key1, key2);
    }

    static String group(String unblended, String amortized, String key1, String key2) {
        return "{\"Keys\":[\"" + key1 + "\",\"" + key2 + "\"],\"Metrics\":{\"UnblendedCost\":{\"Amount\":\"" + unblended
                + "\",\"Unit\":\"USD\"},\"AmortizedCost\":{\"Amount\":\"" + amortized + "\",\"Unit\":\"USD\"}}}";
    }

    static String page(String nextToken, String... results) {
        return "{\"GroupDefinitions\":[{\"Type\":\"DIMENSION\",\"Key\":\"SERVICE\"},{\"Type\":\"DIMENSION\",\"Key\":\"REGION\"}],"
                + "\"ResultsByTime\":[" + String.join(",", results) + "],\"DimensionValueAttributes\":[]"
                + (nextToken == null ? "" : ",\"NextPageToken\":\"" + nextToken + "\"") + "}";
    }

    /** Stubs answers given in order, the last one repeating. */
    void stubSequence(java.util.function.Supplier<MappingBuilder> base, ResponseDefinitionBuilder... answers) {
        String scenario = "seq-" + System.nanoTime();
        for (int i = 0; i < answers.length; i++) {
            String state = i == 0 ? Scenario.STARTED : "s" + i;
            var m = base.get().inScenario(scenario).whenScenarioStateIs(state).willReturn(answers[i]);
            if (i + 1 < answers.length) {
                m = m.willSetStateTo("s" + (i + 1));
            }
            server.stubFor(m);
        }
    }

    List<LoggedRequest> costRequests() {
        return server.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo(TARGET)));
    }
}
