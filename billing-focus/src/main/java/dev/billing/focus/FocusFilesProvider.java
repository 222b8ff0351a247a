package dev.billing.focus;

import dev.billing.core.BillingPeriod;
import dev.billing.core.ChargeCategory;
import dev.billing.core.CostRecord;
import dev.billing.core.CredentialField;
import dev.billing.core.CredentialSchema;
import dev.billing.core.Money;
import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.ProviderId;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ProviderUnavailableException;
import dev.billing.core.ServiceAccount;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.support.Bounds;
import dev.billing.core.spi.Cancellation;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.CostSink;
import dev.billing.core.spi.FetchRequest;
import dev.billing.core.spi.FetchStats;
import dev.billing.focus.internal.FocusFileReader.FocusFileException;
import dev.billing.focus.internal.FocusFileReader;
import dev.billing.focus.internal.TagsJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code focus-files} provider ("FOCUS export files"): reads the FOCUS CSV files (FOCUS 1.0 to
 * 1.2, plain or gzip-compressed) that AWS Data Exports, Azure cost exports, Google Cloud and
 * FinOps tools write, from a local directory. No credentials: a service account selects its rows
 * with the optional credential fields {@code billingAccountId} and {@code subAccountId} (rows
 * whose FOCUS column of that name equals the value); without them it reads every row.
 *
 * <p>Columns are found by name, in any order; FOCUS 1.0's renames (Region to RegionId,
 * UsageQuantity to ConsumedQuantity) and 1.0-preview's ChargeSubcategory are mapped. Amounts are
 * read exactly from their text. Files are streamed a row at a time, never read whole; rows whose
 * {@code ChargePeriodStart} lies outside the requested period are skipped and counted in
 * {@link FetchStats#droppedRows()}. A malformed value fails the fetch with a
 * {@link ProviderProtocolException} whose message names the file, line and column. The mapping is
 * in docs/focus.md.
 *
 * <pre>{@code
 * BillingProvider focus = FocusFilesProvider.builder().directory(Path.of("exports")).build();
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class FocusFilesProvider implements BillingProvider {
    /** The provider id. */
    public static final String ID = "focus-files";
    /** The name people see. */
    public static final String DISPLAY_NAME = "FOCUS export files";
    /** The files read when no glob is given: every {@code .csv} and {@code .csv.gz} file, in subdirectories too. */
    public static final String DEFAULT_GLOB = "**.{csv,csv.gz}";
    /** How deep below the directory files are looked for. */
    public static final int MAX_DEPTH = 16;

    private static final Logger log = LoggerFactory.getLogger(FocusFilesProvider.class);
    private static final ProviderId PROVIDER_ID = ProviderId.of(ID);
    private static final CredentialSchema SCHEMA = CredentialSchema.of(
            CredentialField.text("billingAccountId", "FOCUS BillingAccountId whose rows this account reads"
                    + " (default: every row)").optional(),
            CredentialField.text("subAccountId", "FOCUS SubAccountId whose rows this account reads"
                    + " (default: every row)").optional());

    private final Path directory;
    private final String glob;
    private final PathMatcher matcher;

    private FocusFilesProvider(Builder b) {
        this.directory = b.directory;
        this.glob = b.glob;
        this.matcher = b.matcher;
    }

    /** @return a builder; the directory must be given before fetching, the glob defaults to {@value #DEFAULT_GLOB} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ProviderId id() {
        return PROVIDER_ID;
    }

    @Override
    public String displayName() {
        return DISPLAY_NAME;
    }

    @Override
    public CredentialSchema credentialSchema() {
        return SCHEMA;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.DAILY, Capability.MONTHLY, Capability.VERIFY, Capability.TAGS,
                Capability.EFFECTIVE_COST, Capability.LIST_COST);
    }

    /** @return the directory read, or empty when none was configured */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /** @return the glob files are matched with, relative to the directory */
    public String glob() {
        return glob;
    }

    /**
     * Checks that the directory exists and that every matching file starts with a FOCUS header.
     *
     * @throws ProviderConfigurationException when no directory is configured, it does not exist, or
     *     no file matches the glob
     * @throws ProviderProtocolException naming the file when one is not FOCUS CSV
     * @throws ProviderUnavailableException when a file cannot be read
     */
    @Override
    public void verify(ServiceAccount account) {
        List<Path> files = files(account);
        if (files.isEmpty()) {
            throw new ProviderConfigurationException("service account '" + account.name() + "': no file in "
                    + directory + " matches the glob '" + glob + "' of " + ID + "; put the FOCUS CSV exports there or"
                    + " set the provider setting 'glob'");
        }
        for (Path f : files) {
            try (FocusFileReader r = FocusFileReader.open(f)) {
                log.debug("service account {}: {} has a FOCUS header", account.name(), r.file());
            } catch (IOException e) {
                throw failure(account, e);
            }
        }
    }

    /**
     * Streams the rows of every matching file that the account selects and whose
     * {@code ChargePeriodStart} day lies in the period. A row is dated by that day (UTC), even when
     * its charge period is longer.
     *
     * @throws ProviderConfigurationException when no directory is configured or it does not exist
     * @throws ProviderProtocolException naming file, line and column for a malformed row
     * @throws ProviderUnavailableException when a file cannot be read
     */
    @Override
    public FetchStats fetch(FetchRequest request, CostSink sink) {
        ServiceAccount account = request.account();
        String billingAccount = account.credentials().get("billingAccountId").map(String::trim).orElse(null);
        String subAccount = account.credentials().get("subAccountId").map(String::trim).orElse(null);
        BillingPeriod period = request.period();
        List<Path> files = files(account);
        long records = 0;
        long dropped = 0;
        int read = 0;
        Cancellation cancellation = request.cancellation();
        for (Path f : files) {
            cancellation.throwIfCancelled(account.name());
            try (FocusFileReader r = FocusFileReader.open(f)) {
                if (subAccount != null && !r.has("SubAccountId")) {
                    throw new FocusFileException(f + ":1:1: service account '" + account.name() + "' selects"
                            + " SubAccountId " + subAccount + ", but the file has no SubAccountId column", null);
                }
                Rows rows = new Rows(r, account);
                long n = 0;
                while (r.next()) {
                    if ((++n & 0xFFF) == 0) {
                        cancellation.throwIfCancelled(account.name());
                    }
                    if (billingAccount != null && !billingAccount.equals(r.get("BillingAccountId"))
                            || subAccount != null && !subAccount.equals(r.get("SubAccountId"))) {
                        continue;
                    }
                    LocalDate day = rows.day();
                    if (!period.contains(day)) {
                        dropped++;
                        continue;
                    }
                    sink.accept(rows.record(day));
                    records++;
                }
                read++;
            } catch (IOException e) {
                throw failure(account, e);
            }
        }
        log.debug("service account {}: {} files, {} rows in {}, {} outside it skipped", account.name(), read, records,
                period, dropped);
        return FetchStats.builder().records(records).pages(read).droppedRows(dropped).build();
    }

    /** Turns one file's rows into records; caches the last date and currency parsed. */
    private static final class Rows {
        private final FocusFileReader r;
        private final ServiceAccount account;
        private final Map<String, Currency> currencies = new HashMap<>();
        private String lastDateText;
        private LocalDate lastDate;
        private String lastTagsText;
        private Map<String, String> lastTags = Map.of();

        Rows(FocusFileReader r, ServiceAccount account) {
            this.r = r;
            this.account = account;
        }

        LocalDate day() throws FocusFileException {
            String text = r.get("ChargePeriodStart");
            if (text == null) {
                throw r.malformed("ChargePeriodStart", "empty; FOCUS requires the start of the charge period");
            }
            if (!text.equals(lastDateText)) {
                lastDate = parseDay(text);
                lastDateText = text;
            }
            return lastDate;
        }

        private LocalDate parseDay(String text) throws FocusFileException {
            try {
                if (text.length() == 10) {
                    return LocalDate.parse(text);
                }
                String t = text.replace(' ', 'T');
                if (t.endsWith("TUTC")) {
                    t = t.substring(0, t.length() - 4) + "Z";
                }
                char last = t.charAt(t.length() - 1);
                boolean zoned = last == 'Z' || last == 'z' || t.lastIndexOf('+') > 10 || t.lastIndexOf('-') > 10;
                if (zoned) {
                    return OffsetDateTime.parse(t.toUpperCase(Locale.ROOT)).withOffsetSameInstant(ZoneOffset.UTC)
                            .toLocalDate();
                }
                return LocalDateTime.parse(t).toLocalDate();
            } catch (DateTimeParseException | IndexOutOfBoundsException e) {
                throw r.malformed("ChargePeriodStart", "'" + text + "' is not a FOCUS date/time such as"
                        + " 2026-01-31T00:00:00Z");
            }
        }

        CostRecord record(LocalDate day) throws FocusFileException {
            BigDecimal cost = decimal("BilledCost", true);
            String code = r.get("BillingCurrency");
            if (code == null) {
                throw r.malformed("BillingCurrency", "empty; FOCUS requires the billing currency");
            }
            Currency currency = currencies.get(code);
            if (currency == null) {
                try {
                    currency = Currency.getInstance(code.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw r.malformed("BillingCurrency", "'" + code + "' is not an ISO 4217 currency code such as USD");
                }
                currencies.put(code, currency);
            }
            String billingAccountId = r.get("BillingAccountId");
            if (billingAccountId == null) {
                throw r.malformed("BillingAccountId", "empty; FOCUS requires the billing account id");
            }
            String service = orEmpty(r.get("ServiceName"));
            Money billed = Money.of(cost, currency);
            // FOCUS 1.2 makes EffectiveCost and ListCost Mandatory and not null, and a charge without unit prices
            // "MUST match the BilledCost" (FOCUS_Spec specification/columns/effectivecost.md, listcost.md): a file
            // that leaves them out or empty gets that value. focus-files declares EFFECTIVE_COST and LIST_COST, so
            // every line item it passes carries both (FetchEngine refuses one without them).
            BigDecimal effective = decimal("EffectiveCost", false);
            BigDecimal list = decimal("ListCost", false);
            return CostRecord.builder().chargeDate(day).provider(PROVIDER_ID).billingAccountId(billingAccountId)
                    .subAccountId(orEmpty(r.get("SubAccountId"))).serviceAccount(account.id())
                    .project(account.project()).service(service).region(orEmpty(r.get("RegionId")))
                    .usageType(orEmpty(r.get("ChargeDescription"))).chargeCategory(category())
                    .correction("correction".equalsIgnoreCase(r.get("ChargeClass")))
                    .billedCost(billed)
                    .effectiveCost(effective == null ? billed : Money.of(effective, currency))
                    .listCost(list == null ? billed : Money.of(list, currency))
                    .usageQuantity(decimal("ConsumedQuantity", false)).tags(tags()).build();
        }

        /** The row's Tags (FOCUS KeyValueFormat); the last parsed map is reused while the text repeats. */
        private Map<String, String> tags() throws FocusFileException {
            String text = r.get("Tags");
            if (text == null) {
                return Map.of();
            }
            if (!text.equals(lastTagsText)) {
                try {
                    lastTags = TagsJson.parse(text);
                } catch (TagsJson.MalformedTagsException e) {
                    throw r.malformed("Tags", e.getMessage());
                }
                lastTagsText = text;
            }
            return lastTags;
        }

        private BigDecimal decimal(String column, boolean required) throws FocusFileException {
            String text = r.get(column);
            if (text == null) {
                if (required) {
                    throw r.malformed(column, "empty; FOCUS requires a decimal value");
                }
                return null;
            }
            try {
                return Bounds.decimal(text);
            } catch (NumberFormatException e) {
                throw r.malformed(column, e.getMessage());
            }
        }

        private ChargeCategory category() throws FocusFileException {
            String text = r.get("ChargeCategory");
            if (text == null) {
                throw r.malformed("ChargeCategory", "empty; FOCUS requires one of Usage, Purchase, Tax, Credit,"
                        + " Adjustment");
            }
            String sub = r.get("ChargeSubcategory");
            ChargeCategory c = switch (text.toLowerCase(Locale.ROOT)) {
                case "usage" -> ChargeCategory.USAGE;
                case "purchase" -> ChargeCategory.PURCHASE;
                case "tax" -> ChargeCategory.TAX;
                case "credit" -> ChargeCategory.CREDIT;
                case "adjustment" -> ChargeCategory.ADJUSTMENT;
                default -> throw r.malformed("ChargeCategory", "'" + text + "' is not one of FOCUS's Usage, Purchase,"
                        + " Tax, Credit, Adjustment");
            };
            if (sub != null && c != ChargeCategory.TAX
                    && (sub.equalsIgnoreCase("refund") || sub.equalsIgnoreCase("credit"))) {
                return ChargeCategory.CREDIT;
            }
            return c;
        }

        private static String orEmpty(String s) {
            return s == null ? "" : s;
        }
    }

    private List<Path> files(ServiceAccount account) {
        if (directory == null) {
            throw new ProviderConfigurationException("service account '" + account.name() + "': provider " + ID
                    + " has no 'directory' setting; set it to the folder holding the FOCUS CSV exports");
        }
        if (!Files.isDirectory(directory)) {
            throw new ProviderConfigurationException("service account '" + account.name() + "': the directory "
                    + directory.toAbsolutePath() + " of provider " + ID + " does not exist or is not a directory;"
                    + " check the provider setting 'directory'");
        }
        try (Stream<Path> walk = Files.walk(directory, MAX_DEPTH)) {
            return walk.filter(p -> Files.isRegularFile(p) && matcher.matches(directory.relativize(p)))
                    .sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new ProviderUnavailableException("service account '" + account.name() + "': cannot list the FOCUS"
                    + " files in " + directory.toAbsolutePath() + ": " + e.getMessage(), account.name(), -1, e);
        }
    }

    private static RuntimeException failure(ServiceAccount account, IOException e) {
        if (e instanceof FocusFileException) {
            return new ProviderProtocolException("service account '" + account.name() + "': " + e.getMessage(),
                    account.name(), -1, e);
        }
        return new ProviderUnavailableException("service account '" + account.name() + "': cannot read a FOCUS file: "
                + e, account.name(), -1, e);
    }

    @Override
    public String toString() {
        return "FocusFilesProvider[" + directory + ", " + glob + "]";
    }

    /** Builds a {@link FocusFilesProvider}. */
    public static final class Builder {
        private Path directory;
        private String glob = DEFAULT_GLOB;
        private PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + DEFAULT_GLOB);

        private Builder() {
        }

        /**
         * @param directory the folder holding the FOCUS CSV files
         * @return this builder
         */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * @param glob which files to read, matched against their path relative to the directory, for
         *     example {@code *.csv} or {@code **}{@code /focus-*.csv.gz} (default {@value #DEFAULT_GLOB})
         * @return this builder
         * @throws IllegalArgumentException when it is not a valid glob
         */
        public Builder glob(String glob) {
            Objects.requireNonNull(glob, "glob");
            try {
                this.matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("'" + glob + "' is not a valid glob: " + e.getDescription(), e);
            }
            this.glob = glob;
            return this;
        }

        /** @return the provider */
        public FocusFilesProvider build() {
            return new FocusFilesProvider(this);
        }

        /** Parses a directory setting. */
        static Path path(String value) {
            try {
                return Path.of(value.trim());
            } catch (InvalidPathException e) {
                throw new ProviderConfigurationException("provider setting 'directory' of " + ID + " is not a valid"
                        + " path: " + e.getMessage());
            }
        }
    }
}
