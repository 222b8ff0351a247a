package dev.billing.focus;

import dev.billing.core.AllocatedLineItems;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.Money;
import dev.billing.core.ProjectId;
import dev.billing.focus.internal.ServiceCategories;
import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Writes line items as FOCUS 1.2 CSV, one row per {@link CostRecord}, as they come: nothing but
 * the current row is held. The header is every Mandatory column of FOCUS 1.2 in the order the
 * specification lists them ({@link #MANDATORY_COLUMNS}), then the Conditional columns the SDK can
 * fill ({@code RegionId}, {@code SubAccountId}, {@code Tags}), then the custom columns
 * {@code x_Project}, {@code x_ServiceAccount}, {@code x_FilledFromBilledCost}, {@code x_AllocationSplit} and
 * {@code x_AllocationSourceProject} ({@link #COLUMNS}). Quoting follows RFC 4180: a field holding a comma,
 * a quote or a line break is quoted, quotes doubled; records end with CRLF; a null is an empty
 * field.
 *
 * <p>Values: {@code BilledCost}, {@code EffectiveCost} and {@code ListCost} are the record's billed,
 * effective and list cost as exact plain decimals. FOCUS 1.2 makes all three and {@code ContractedCost}
 * Mandatory and not null (FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec, specification/columns/listcost.md,
 * contractedcost.md, effectivecost.md): where the record has no list cost, {@code ListCost} is its
 * billed cost (FOCUS: without a list unit price, "ListCost ... MUST match the BilledCost"); the SDK
 * has no contracted cost, so {@code ContractedCost} is the billed cost (the same rule of
 * contractedcost.md); a record without an effective cost of its own carries its billed cost there
 * ({@link CostRecord#effectiveCost()}). The custom column {@code x_FilledFromBilledCost} names the
 * columns among {@code EffectiveCost} and {@code ListCost} so filled (space-separated; null when
 * none), so that a reader can tell them from the provider's own. {@code Tags} is FOCUS's
 * KeyValueFormat (specification/attributes/key_value_format.md): a JSON object of string values,
 * keys in order, {@code {}} when the record has none. {@code ChargeClass} is {@code Correction}
 * only for a record that {@linkplain CostRecord#correction() corrects} an earlier period, else null;
 * {@code ChargePeriodStart/End} are the record's UTC day and the next, and
 * {@code BillingPeriodStart/End} its calendar month, as {@code YYYY-MM-DDTHH:mm:ssZ}; the full
 * mapping, with every null and fallback, is in docs/focus.md.
 *
 * <pre>{@code
 * try (FocusWriter focus = FocusWriter.of(writer)) {
 *     billing.costs().lineItems(query, focus);
 * }
 * }</pre>
 *
 * <p>Not thread-safe: give it records from one thread at a time. I/O failures are thrown as
 * {@link UncheckedIOException}.
 */
public final class FocusWriter implements Consumer<CostRecord>, AllocatedLineItems.Sink, Flushable, AutoCloseable {
    /** The FOCUS version written. */
    public static final String FOCUS_VERSION = "1.2";

    /** Every Mandatory column of FOCUS 1.2, in the specification's order. */
    public static final List<String> MANDATORY_COLUMNS = List.of(
            "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
            "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargePeriodEnd",
            "ChargePeriodStart", "ContractedCost", "EffectiveCost", "InvoiceIssuerName", "ListCost",
            "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "ServiceCategory", "ServiceName");

    /** The Conditional FOCUS 1.2 columns written after the Mandatory ones, in the specification's order. */
    public static final List<String> CONDITIONAL_COLUMNS = List.of("RegionId", "SubAccountId", "Tags");

    /**
     * The custom columns written last: the project, the service account, which of {@code EffectiveCost}
     * and {@code ListCost} hold the billed cost because the record has none of its own, and, for a row that is a
     * target's part of a split line item, the split's name and the source project.
     */
    public static final List<String> CUSTOM_COLUMNS = List.of("x_Project", "x_ServiceAccount", "x_FilledFromBilledCost",
            "x_AllocationSplit", "x_AllocationSourceProject");

    /** The whole header, in order. */
    public static final List<String> COLUMNS = concat(MANDATORY_COLUMNS, CONDITIONAL_COLUMNS, CUSTOM_COLUMNS);

    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE;

    private final Writer out;
    private final Function<String, FocusOrigin> origins;
    private final Map<String, FocusOrigin> resolved = new HashMap<>();
    /** ServiceCategory per service name seen, bounded: a long tail of names is categorised again rather than kept. */
    private final Map<String, String> categories = new HashMap<>();
    private final StringBuilder line = new StringBuilder(512);
    private final StringBuilder json = new StringBuilder(128);
    private int fields;
    private boolean headerWritten;
    private boolean closed;
    private long rows;

    private FocusWriter(Builder b) {
        this.out = b.out;
        Map<String, FocusOrigin> given = Map.copyOf(b.origins);
        Function<String, FocusOrigin> fallback = b.fallback;
        this.origins = id -> {
            FocusOrigin o = given.get(id);
            if (o == null) {
                o = FocusOrigin.known(id).orElse(null);
            }
            return o != null ? o : Objects.requireNonNull(fallback.apply(id), "the fallback origin of " + id);
        };
    }

    /**
     * @param out where the CSV goes; closed by {@link #close()}
     * @return a writer with the built-in origins (see {@link FocusOrigin#known}); other providers are
     *     named by their id
     */
    public static FocusWriter of(Writer out) {
        return builder(out).build();
    }

    /**
     * @param out where the CSV goes; closed by {@link #close()}
     * @return a builder
     */
    public static Builder builder(Writer out) {
        return new Builder(out);
    }

    /**
     * Writes the header, once; {@link #write} and {@link #close} call it when needed.
     *
     * @throws UncheckedIOException when writing fails
     */
    public void writeHeader() {
        if (headerWritten) {
            return;
        }
        headerWritten = true;
        line.setLength(0);
        fields = 0;
        for (String c : COLUMNS) {
            field(c);
        }
        emit();
    }

    /**
     * Writes one row.
     *
     * @param r a line item
     * @throws UncheckedIOException when writing fails
     * @throws IllegalStateException when the writer is closed
     */
    public void write(CostRecord r) {
        write(r, null, null);
    }

    /**
     * Writes one row of an allocated export ({@link AllocatedLineItems}).
     *
     * @param r a line item, its project the allocated one
     * @param split the split whose target's part the row is, or null
     * @param sourceProject the split's source project, or null
     * @throws UncheckedIOException when writing fails
     * @throws IllegalStateException when the writer is closed
     */
    public void write(CostRecord r, String split, ProjectId sourceProject) {
        if (closed) {
            throw new IllegalStateException("the FocusWriter is closed");
        }
        writeHeader();
        line.setLength(0);
        fields = 0;
        String billed = plain(r.billedCost().amount());
        Money list = r.listCost().orElse(null);
        LocalDate day = r.chargeDate();
        LocalDate month = day.withDayOfMonth(1);
        FocusOrigin origin = resolved.computeIfAbsent(r.provider().value(), origins);
        field(billed);                                                     // BilledCost
        field(r.billingAccountId().isEmpty() ? r.serviceAccount().value() : r.billingAccountId()); // BillingAccountId
        field(null);                                                       // BillingAccountName
        field(r.billedCost().currency().getCurrencyCode());                      // BillingCurrency
        field(instant(month.plusMonths(1)));                               // BillingPeriodEnd
        field(instant(month));                                             // BillingPeriodStart
        field(chargeCategory(r.chargeCategory()));                         // ChargeCategory
        field(r.correction() ? "Correction" : null);           // ChargeClass
        field(nullIfEmpty(r.usageType()));                                 // ChargeDescription
        field(instant(day.plusDays(1)));                                   // ChargePeriodEnd
        field(instant(day));                                               // ChargePeriodStart
        field(billed);                                                     // ContractedCost: no contracted cost in the SDK
        field(r.effectiveCostGiven() ? plain(r.effectiveCost().amount()) : billed); // EffectiveCost
        field(origin.invoiceIssuerName());                                 // InvoiceIssuerName
        field(list != null ? plain(list.amount()) : billed);               // ListCost
        field(null);                                                       // PricingQuantity
        field(null);                                                       // PricingUnit
        field(origin.providerName());                                      // ProviderName
        field(origin.publisherName());                                     // PublisherName
        String service = serviceName(r);
        field(serviceCategory(service));                                   // ServiceCategory
        field(service);                                                    // ServiceName
        field(nullIfEmpty(r.region()));                                    // RegionId
        field(nullIfEmpty(r.subAccountId()));                              // SubAccountId
        field(tags(r.tags()));                                             // Tags
        field(r.project().value());                                        // x_Project
        field(r.serviceAccount().value());                                 // x_ServiceAccount
        field(filled(r.effectiveCostGiven(), list != null));               // x_FilledFromBilledCost
        field(split);                                                      // x_AllocationSplit
        field(sourceProject == null ? null : sourceProject.value());       // x_AllocationSourceProject
        emit();
        rows++;
    }

    /** The same as {@link #write(CostRecord)}, so that a writer is a line-item sink. */
    @Override
    public void accept(CostRecord r) {
        write(r);
    }

    /** The same as {@link #write(CostRecord, String, ProjectId)}, so that a writer is an allocated line-item sink. */
    @Override
    public void accept(CostRecord r, String split, ProjectId sourceProject) {
        write(r, split, sourceProject);
    }

    /** @return the rows written so far, the header not counted */
    public long rows() {
        return rows;
    }

    /**
     * @param category the SDK's charge category
     * @return FOCUS 1.2's ChargeCategory value for it: a refund is a {@code Usage} correction (with
     *     ChargeClass {@code Correction}), a fee a {@code Purchase}
     */
    public static String chargeCategory(ChargeCategory category) {
        return switch (category) {
            case USAGE -> "Usage";
            case PURCHASE -> "Purchase";
            case TAX -> "Tax";
            case CREDIT -> "Credit";
            case ADJUSTMENT -> "Adjustment";
        };
    }

    /** ServiceName must not be null: a record without a service is named after its charge category. */
    private static String serviceName(CostRecord r) {
        return r.service().isEmpty() ? chargeCategory(r.chargeCategory()) : r.service();
    }

    private String serviceCategory(String service) {
        String category = categories.get(service);
        if (category == null) {
            category = ServiceCategories.of(service);
            if (categories.size() < 10_000) {
                categories.put(service, category);
            }
        }
        return category;
    }

    private static String plain(BigDecimal amount) {
        return amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString();
    }

    /** The values of {@code x_FilledFromBilledCost}, by (effective given, list given). */
    private static String filled(boolean effectiveGiven, boolean listGiven) {
        if (effectiveGiven) {
            return listGiven ? null : "ListCost";
        }
        return listGiven ? "EffectiveCost" : "EffectiveCost ListCost";
    }

    /** FOCUS KeyValueFormat: a JSON object (ECMA-404) of string values, keys in their natural order. */
    private String tags(Map<String, String> tags) {
        if (tags.isEmpty()) {
            return "{}";
        }
        json.setLength(0);
        json.append('{');
        for (Map.Entry<String, String> e : tags.size() == 1 ? tags.entrySet() : new TreeMap<>(tags).entrySet()) {
            if (json.length() > 1) {
                json.append(',');
            }
            jsonString(e.getKey());
            json.append(':');
            jsonString(e.getValue());
        }
        return json.append('}').toString();
    }

    private void jsonString(String s) {
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    private static String instant(LocalDate day) {
        return DATE.format(day) + "T00:00:00Z";
    }

    private static String nullIfEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private void field(String value) {
        if (fields++ > 0) {
            line.append(',');
        }
        if (value == null || value.isEmpty()) {
            return;
        }
        boolean quote = false;
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        if (!quote) {
            line.append(value);
            return;
        }
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                line.append('"');
            }
            line.append(c);
        }
        line.append('"');
    }

    private void emit() {
        line.append("\r\n");
        try {
            out.write(line.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("writing FOCUS CSV failed: " + e.getMessage(), e);
        }
    }

    /** @throws UncheckedIOException when flushing fails */
    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing FOCUS CSV failed: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the header if no row was written, flushes and closes the output.
     *
     * @throws UncheckedIOException when writing fails
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            writeHeader();
            flush();
        } finally {
            closed = true;
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("closing the FOCUS CSV output failed: " + e.getMessage(), e);
            }
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> l : lists) {
            all.addAll(l);
        }
        return List.copyOf(all);
    }

    /** Builds a {@link FocusWriter}. */
    public static final class Builder {
        private final Writer out;
        private final Map<String, FocusOrigin> origins = new HashMap<>();
        private Function<String, FocusOrigin> fallback = FocusOrigin::of;

        private Builder(Writer out) {
            this.out = Objects.requireNonNull(out, "out");
        }

        /**
         * @param providerId a provider id
         * @param origin the names to write for that provider's records, over the built-in ones
         * @return this builder
         */
        public Builder origin(String providerId, FocusOrigin origin) {
            origins.put(Objects.requireNonNull(providerId, "providerId"), Objects.requireNonNull(origin, "origin"));
            return this;
        }

        /**
         * @param fallback the origin of a provider that is neither given nor built in (default: its id
         *     in all three columns)
         * @return this builder
         */
        public Builder fallback(Function<String, FocusOrigin> fallback) {
            this.fallback = Objects.requireNonNull(fallback, "fallback");
            return this;
        }

        /** @return the writer */
        public FocusWriter build() {
            return new FocusWriter(this);
        }
    }
}
