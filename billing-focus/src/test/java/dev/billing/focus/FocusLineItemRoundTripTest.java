package dev.billing.focus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.Credentials;
import dev.billing.core.Granularity;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.core.ProviderId;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ServiceAccount;
import dev.billing.core.ServiceAccountId;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.FetchRequest;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A line item written by {@link FocusWriter} and read back by {@code focus-files} is the same line item:
 * tags, billed / effective / list cost, charge category and class; so every metric and every tag value
 * totals the same, to the last digit. The one change is FOCUS's: a line item without an effective or list
 * cost of its own is written with its billed cost there (FOCUS forbids null), and read back so.
 */
@Timeout(60)
class FocusLineItemRoundTripTest {
    static final BillingPeriod JAN = BillingPeriod.month(YearMonth.of(2026, 1));
    static final ServiceAccount ACCOUNT = new ServiceAccount(ServiceAccountId.of("imported"),
            ProviderId.of(FocusFilesProvider.ID), ProjectId.of("project-web"), Credentials.of(Map.of()), Map.of());

    static final String[] TEXT = {"team", "Team", "cost-center", "a,b", "say \"hi\"", "back\\slash", "ключ", "日本語",
            "emoji 🚀", "line\nbreak", "tab\tand\u0001ctl", "{\"json\":[1]}", "", "1", "true"};
    static final String[] CURRENCIES = {"USD", "EUR", "JPY", "KRW"};

    @TempDir
    Path dir;

    private static BigDecimal amount(SplittableRandom rnd) {
        int scale = rnd.nextInt(19);
        BigInteger unscaled = new BigInteger(1 + rnd.nextInt(64), new java.util.Random(rnd.nextLong()));
        BigDecimal a = new BigDecimal(unscaled, scale);
        return rnd.nextInt(4) == 0 ? a.negate() : a;
    }

    private static String text(SplittableRandom rnd) {
        return TEXT[rnd.nextInt(TEXT.length)];
    }

    /** Non-empty, no edge whitespace: the reader trims a CSV field, and these columns have no "" in FOCUS. */
    private static String word(SplittableRandom rnd, String prefix) {
        String t = text(rnd);
        return t.isBlank() || !t.equals(t.strip()) ? prefix : prefix + " " + t;
    }

    static CostRecord random(SplittableRandom rnd) {
        Currency currency = Currency.getInstance(CURRENCIES[rnd.nextInt(CURRENCIES.length)]);
        Map<String, String> tags = new HashMap<>();
        for (int i = rnd.nextInt(4); i > 0; i--) {
            tags.put(text(rnd), text(rnd));
        }
        ChargeCategory[] categories = ChargeCategory.values();
        return CostRecord.builder().chargeDate(LocalDate.of(2026, 1, 1 + rnd.nextInt(31)))
                .provider(ProviderId.of(FocusFilesProvider.ID)).billingAccountId(word(rnd, "acct"))
                .subAccountId(rnd.nextBoolean() ? "" : word(rnd, "sub")).serviceAccount(ACCOUNT.id())
                .project(ACCOUNT.project()).service(word(rnd, "svc")).region(rnd.nextBoolean() ? "" : word(rnd, "rg"))
                .usageType(rnd.nextBoolean() ? "" : word(rnd, "use"))
                .chargeCategory(categories[rnd.nextInt(categories.length)]).correction(rnd.nextInt(4) == 0)
                .billedCost(Money.of(amount(rnd), currency))
                .effectiveCost(rnd.nextBoolean() ? null : Money.of(amount(rnd), currency))
                .listCost(rnd.nextBoolean() ? null : Money.of(amount(rnd), currency))
                .tags(tags).build();
    }

    private List<CostRecord> roundTrip(List<CostRecord> records) throws IOException {
        try (Writer out = Files.newBufferedWriter(dir.resolve("export.csv"), StandardCharsets.UTF_8);
             FocusWriter focus = FocusWriter.of(out)) {
            records.forEach(focus);
        }
        List<CostRecord> read = new ArrayList<>();
        FocusFilesProvider.builder().directory(dir).build().fetch(FetchRequest.of(ACCOUNT, JAN, Granularity.DAILY),
                read::add);
        return read;
    }

    /** Reference totals: currency, metric and tag key=value (or "*" for all line items) to the exact sum. */
    private static Map<String, BigDecimal> totals(List<CostRecord> records, List<String> tagKeys) {
        Map<String, BigDecimal> totals = new TreeMap<>();
        Map<String, Function<CostRecord, Money>> metrics = Map.of("billed", CostRecord::billedCost,
                "effective", CostRecord::effectiveCost, "list", r -> r.listCost().orElse(null));
        for (CostRecord r : records) {
            metrics.forEach((metric, cost) -> {
                Money m = cost.apply(r);
                String prefix = r.billedCost().currency() + " " + metric + " ";
                if (m == null) {
                    totals.merge(prefix + "lacking", BigDecimal.ONE, BigDecimal::add);
                    return;
                }
                totals.merge(prefix + "*", m.amount(), BigDecimal::add);
                for (String key : tagKeys) {
                    totals.merge(prefix + key + "=" + r.tags().getOrDefault(key, ""), m.amount(), BigDecimal::add);
                }
            });
        }
        totals.replaceAll((k, v) -> v.stripTrailingZeros());
        return totals;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 2026, 0xFACADEL})
    void randomLineItems_readBackEqual_andEveryMetricAndTagValueTotalsTheSame(long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<CostRecord> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            records.add(random(rnd));
        }

        List<CostRecord> read = roundTrip(records);

        List<CostRecord> asFocusSaysThem = records.stream().map(r -> r.toBuilder().effectiveCost(r.effectiveCost())
                .listCost(r.listCost().orElse(r.billedCost())).build()).toList();
        assertThat(read).containsExactlyElementsOf(asFocusSaysThem);
        for (int i = 0; i < records.size(); i++) {
            assertThat(read.get(i).tags()).as("tags of line item %d", i).isEqualTo(records.get(i).tags());
            assertThat(read.get(i).effectiveCost()).isEqualTo(records.get(i).effectiveCost());
        }
        List<String> keys = List.of(TEXT);
        Map<String, BigDecimal> original = totals(records, keys);
        Map<String, BigDecimal> readBack = totals(read, keys);
        assertThat(readBack).isEqualTo(totals(asFocusSaysThem, keys));
        original.forEach((k, v) -> {
            if (!k.contains(" list ")) {
                assertThat(readBack.get(k)).as(k).isEqualTo(v);
            }
        });
        assertThat(original.keySet()).as("the seed exercises lacking list costs and tag totals")
                .anyMatch(k -> k.contains(" list lacking")).anyMatch(k -> k.contains(" list team="));
        assertThat(records).as("and effective costs not given").anyMatch(r -> !r.effectiveCostGiven())
                .anyMatch(CostRecord::correction);
    }

    private static CostRecord.Builder line() {
        return CostRecord.builder().chargeDate(LocalDate.of(2026, 1, 5)).provider(ProviderId.of(FocusFilesProvider.ID))
                .billingAccountId("111111111111").serviceAccount(ACCOUNT.id()).project(ACCOUNT.project())
                .service("AmazonEC2").region("us-east-1");
    }

    @Test
    void purchaseCorrection_isWrittenPurchaseAndCorrection_andReadBackSo() throws IOException {
        CostRecord purchaseCorrection = line().chargeCategory(ChargeCategory.PURCHASE).correction(true)
                .billedCost(Money.of("-120.5", "USD")).effectiveCost(Money.of("0", "USD")).build();
        CostRecord credit = line().chargeCategory(ChargeCategory.CREDIT).billedCost(Money.of("-3", "USD")).build();

        List<CostRecord> read = roundTrip(List.of(purchaseCorrection, credit));

        List<List<String>> csv = TestCsv.parse(Files.readString(dir.resolve("export.csv")));
        int category = csv.get(0).indexOf("ChargeCategory");
        int chargeClass = csv.get(0).indexOf("ChargeClass");
        assertThat(csv.get(1).get(category)).isEqualTo("Purchase");
        assertThat(csv.get(1).get(chargeClass)).isEqualTo("Correction");
        assertThat(csv.get(2).get(category)).isEqualTo("Credit");
        assertThat(csv.get(2).get(chargeClass)).as("a credit is not a correction unless the record says so").isEmpty();
        assertThat(read).containsExactly(
                purchaseCorrection.toBuilder().listCost(purchaseCorrection.billedCost()).build(),
                credit.toBuilder().effectiveCost(credit.billedCost()).listCost(credit.billedCost()).build());
        assertThat(read.get(0).chargeCategory()).isEqualTo(ChargeCategory.PURCHASE);
        assertThat(read.get(0).correction()).isTrue();
        assertThat(read.get(1).correction()).isFalse();
    }

    @Test
    void costColumns_holdWhatTheRecordHolds_andFillFromBilledCostOnlyWhereItHasNone() throws IOException {
        CostRecord all = line().billedCost(Money.of("10.10", "USD")).effectiveCost(Money.of("7.5", "USD"))
                .listCost(Money.of("12", "USD")).tags(Map.of("team", "web", "say \"hi\"", "a,b")).build();
        CostRecord billedOnly = line().billedCost(Money.of("4", "USD")).build();

        roundTrip(List.of(all, billedOnly));

        List<List<String>> csv = TestCsv.parse(Files.readString(dir.resolve("export.csv")));
        List<String> header = csv.get(0);
        Function<String, List<String>> column = name -> List.of(csv.get(1).get(header.indexOf(name)),
                csv.get(2).get(header.indexOf(name)));
        assertThat(column.apply("BilledCost")).containsExactly("10.1", "4");
        assertThat(column.apply("EffectiveCost")).containsExactly("7.5", "4");
        assertThat(column.apply("ListCost")).containsExactly("12", "4");
        assertThat(column.apply("ContractedCost")).containsExactly("10.1", "4");
        assertThat(column.apply("x_FilledFromBilledCost")).containsExactly("", "EffectiveCost ListCost");
        assertThat(column.apply("Tags")).containsExactly("{\"say \\\"hi\\\"\":\"a,b\",\"team\":\"web\"}", "{}");
    }

    @Test
    void thirdPartyFile_effectiveListAndTagsAreRead_nullTagValuesLeftOut() throws IOException {
        Files.writeString(dir.resolve("vendor.csv"), "BilledCost,BillingAccountId,BillingCurrency,ChargeCategory,"
                + "ChargeClass,ChargePeriodStart,EffectiveCost,ListCost,ServiceName,Tags\n"
                + "5,a1,USD,Usage,,2026-01-02T00:00:00Z,4.25,6,EC2,\"{\"\"team\"\": \"\"web\"\", \"\"n\"\": 3,"
                + " \"\"flag\"\": true, \"\"gone\"\": null, \"\"u\"\": \"\"\\u00e9\\n\"\"}\"\n"
                + "5,a1,USD,Purchase,Correction,2026-01-02T00:00:00Z,,,EC2,\n");

        List<CostRecord> read = new ArrayList<>();
        FocusFilesProvider.builder().directory(dir).build().fetch(FetchRequest.of(ACCOUNT, JAN, Granularity.DAILY),
                read::add);

        assertThat(read.get(0).tags()).isEqualTo(Map.of("team", "web", "n", "3", "flag", "true", "u", "é\n"));
        assertThat(read.get(0).effectiveCost()).isEqualTo(Money.of("4.25", "USD"));
        assertThat(read.get(0).effectiveCostGiven()).isTrue();
        assertThat(read.get(0).listCost()).contains(Money.of("6", "USD"));
        assertThat(read.get(1).tags()).isEmpty();
        assertThat(read.get(1).effectiveCost()).as("FOCUS: an empty EffectiveCost is the BilledCost")
                .isEqualTo(Money.of("5", "USD"));
        assertThat(read.get(1).effectiveCostGiven()).isTrue();
        assertThat(read.get(1).listCost()).as("FOCUS: an empty ListCost is the BilledCost").contains(Money.of("5", "USD"));
        assertThat(read.get(1).correction()).isTrue();
        assertThat(FocusFilesProvider.builder().build().capabilities())
                .contains(Capability.TAGS, Capability.EFFECTIVE_COST, Capability.LIST_COST);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"team\":", "[\"team\"]", "{\"team\":\"a\",\"team\":\"b\"}", "{\"team\":{\"x\":1}}",
            "{team:1}", "{\"t\":\"\\q\"}", "{\"t\":1} x"})
    void malformedTags_failTheAccount_namingFileLineAndColumn_bounded(String tags) throws IOException {
        String longTail = "x".repeat(5000);
        Files.writeString(dir.resolve("bad.csv"), "BilledCost,BillingAccountId,BillingCurrency,ChargeCategory,"
                + "ChargePeriodStart,ServiceName,Tags\n"
                + "1,a1,USD,Usage,2026-01-02T00:00:00Z,EC2,{}\n"
                + "1,a1,USD,Usage,2026-01-02T00:00:00Z,EC2,\"" + (tags + longTail).replace("\"", "\"\"") + "\"\n");

        assertThatThrownBy(() -> FocusFilesProvider.builder().directory(dir).build()
                .fetch(FetchRequest.of(ACCOUNT, JAN, Granularity.DAILY), r -> { }))
                .isInstanceOf(ProviderProtocolException.class)
                .hasMessageContaining("bad.csv:3:7: column Tags: not a FOCUS KeyValueFormat JSON object")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));
    }
}
