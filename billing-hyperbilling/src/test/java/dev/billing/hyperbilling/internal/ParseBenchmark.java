package dev.billing.hyperbilling.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Reading a fixed, seeded set of HyperBilling billing pages (about 50 MB) to the exact total of their
 * {@code USAGE_COST}. Contenders: the HyperBilling provider's parser ({@link Json#parsePage}, package-private,
 * which is why this benchmark lives next to it); Jackson databind into POJOs (a prebuilt {@link ObjectReader},
 * BigDecimal for floats); a raw Jackson token scan that only reads {@code USAGE_COST} values (the ceiling).
 * {@code ParseBenchmarkTest} checks that the three agree to the last digit, and runs it short when asked
 * ({@code -Dbenchmark=parse}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class ParseBenchmark {
    private static final JsonFactory FACTORY = new JsonFactory();

    /** The pages, generated once. */
    @State(Scope.Benchmark)
    public static class Pages {
        /** Total size of the pages in bytes, about. */
        @Param("50000000")
        public int bytes;

        List<byte[]> pages;
        ObjectReader databind;

        /** Generates the pages and checks the three contenders read the same total. */
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            pages = generate(bytes);
            databind = new ObjectMapper()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .readerFor(BillingPage.class);
            BigDecimal ours = oursTotal(this);
            Map<String, BigDecimal> others = Map.of("jackson databind", databindTotal(this), "token scan",
                    tokenScanTotal(this));
            others.forEach((name, total) -> {
                if (total.compareTo(ours) != 0) {
                    throw new IllegalStateException(name + " read " + total + ", the provider's parser " + ours);
                }
            });
        }
    }

    /** The provider's parser. */
    @Benchmark
    public BigDecimal ours(Pages p) {
        return oursTotal(p);
    }

    /** Jackson databind into POJOs. */
    @Benchmark
    public BigDecimal databind(Pages p) throws IOException {
        return databindTotal(p);
    }

    /** A raw token scan reading only the costs. */
    @Benchmark
    public BigDecimal tokenScan(Pages p) throws IOException {
        return tokenScanTotal(p);
    }

    static BigDecimal oursTotal(Pages p) {
        BigDecimal total = BigDecimal.ZERO;
        for (byte[] page : p.pages) {
            for (Row row : Json.parsePage(page).rows()) {
                total = total.add(row.usageCost());
            }
        }
        return total;
    }

    static BigDecimal databindTotal(Pages p) throws IOException {
        BigDecimal total = BigDecimal.ZERO;
        for (byte[] page : p.pages) {
            BillingPage parsed = p.databind.readValue(page);
            for (Result r : parsed.results) {
                total = total.add(r.value.usageCost);
            }
        }
        return total;
    }

    static BigDecimal tokenScanTotal(Pages p) throws IOException {
        BigDecimal total = BigDecimal.ZERO;
        for (byte[] page : p.pages) {
            try (JsonParser parser = FACTORY.createParser(page)) {
                for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                    if (t == JsonToken.FIELD_NAME && "USAGE_COST".equals(parser.currentName())) {
                        parser.nextToken();
                        total = total.add(parser.getDecimalValue());
                    }
                }
            }
        }
        return total;
    }

    static List<byte[]> generate(int bytes) {
        SplittableRandom random = new SplittableRandom(11);
        String[] services = {"AmazonEC2", "AmazonS3", "AmazonRDS", "AWSLambda", "AmazonCloudFront", "AmazonDynamoDB"};
        String[] regions = {"APN2", "USE1", "USW2", "EUC1", "APN1", "APSE1"};
        String[] types = {"t3.micro", "m5.large", "c6g.xlarge", "r6i.2xlarge", ""};
        List<byte[]> pages = new ArrayList<>();
        int total = 0;
        LocalDate start = LocalDate.of(2026, 1, 1);
        while (total < bytes) {
            StringBuilder page = new StringBuilder(256 * 1024).append("{\"Currency\":\"USD\",\"Results\":[");
            for (int i = 0; i < 1000; i++) {
                String region = regions[random.nextInt(regions.length)];
                String type = types[random.nextInt(types.length)];
                page.append(i == 0 ? "" : ",")
                        .append("{\"GroupBy\":{\"USAGE_DATE\":\"").append(start.plusDays(random.nextInt(31)))
                        .append("\",\"REGION\":\"").append(region)
                        .append("\",\"SERVICE_CODE\":\"").append(services[random.nextInt(services.length)])
                        .append("\",\"USAGE_TYPE\":\"").append(region).append("-BoxUsage:").append(type)
                        .append("\",\"INSTANCE_TYPE\":\"").append(type)
                        .append("\"},\"Value\":{\"USAGE_COST\":")
                        .append(BigDecimal.valueOf(random.nextLong(-1_000_000, 100_000_000_000L), random.nextInt(11)))
                        .append(",\"USAGE_QUANTITY\":").append(random.nextInt(1000)).append("}}");
            }
            page.append("],\"NextDataToken\":\"page-").append(pages.size() + 1).append("\"}");
            byte[] body = page.toString().getBytes(StandardCharsets.UTF_8);
            pages.add(body);
            total += body.length;
        }
        return pages;
    }

    /** A billing answer, for databind. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class BillingPage {
        /** The currency. */
        @JsonProperty("Currency")
        public String currency;
        /** The rows. */
        @JsonProperty("Results")
        public List<Result> results;
        /** The next page's token. */
        @JsonProperty("NextDataToken")
        public String nextDataToken;
    }

    /** One row, for databind. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Result {
        /** Its keys. */
        @JsonProperty("GroupBy")
        public GroupBy groupBy;
        /** Its values. */
        @JsonProperty("Value")
        public Value value;
    }

    /** A row's keys, for databind. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class GroupBy {
        /** The day. */
        @JsonProperty("USAGE_DATE")
        public String usageDate;
        /** The region. */
        @JsonProperty("REGION")
        public String region;
        /** The service. */
        @JsonProperty("SERVICE_CODE")
        public String serviceCode;
        /** The usage type. */
        @JsonProperty("USAGE_TYPE")
        public String usageType;
        /** The instance type. */
        @JsonProperty("INSTANCE_TYPE")
        public String instanceType;
    }

    /** A row's values, for databind. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Value {
        /** The cost. */
        @JsonProperty("USAGE_COST")
        public BigDecimal usageCost;
        /** The quantity. */
        @JsonProperty("USAGE_QUANTITY")
        public BigDecimal usageQuantity;
    }
}
