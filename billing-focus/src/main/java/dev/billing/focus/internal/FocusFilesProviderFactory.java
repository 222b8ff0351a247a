package dev.billing.focus.internal;

import dev.billing.core.ProviderConfigurationException;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.BillingProviderFactory;
import dev.billing.core.spi.ProviderSetting;
import dev.billing.focus.FocusFilesProvider;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Creates the {@code focus-files} provider from provider settings; registered for
 * {@link java.util.ServiceLoader} (and {@code provides} in the module descriptor), so the jar on the class or
 * module path enables the provider. Not exported: hosts build the provider with {@link FocusFilesProvider#builder()}.
 *
 * <p>Settings: {@code directory} (required: the folder holding the FOCUS CSV files; without it the
 * provider is created, but verify and fetch fail asking for it) and {@code glob} (which files, relative
 * to the directory; default {@value FocusFilesProvider#DEFAULT_GLOB}).
 */
public final class FocusFilesProviderFactory implements BillingProviderFactory {
    /** The settings this factory reads. */
    public static final List<String> SETTINGS = List.of("directory", "glob");

    /** Used by {@link java.util.ServiceLoader}. */
    public FocusFilesProviderFactory() {
    }

    @Override
    public String id() {
        return FocusFilesProvider.ID;
    }

    /** @return {@code directory} (required) and {@code glob} (default {@value FocusFilesProvider#DEFAULT_GLOB}) */
    @Override
    public List<ProviderSetting> settings() {
        return List.of(
                ProviderSetting.required("directory", "the folder holding the FOCUS CSV files (.csv or .csv.gz)")
                        .satisfying(v -> !v.isBlank(), "be a folder path"),
                ProviderSetting.optional("glob", "which files to read, matched against their path relative to the"
                        + " directory", FocusFilesProvider.DEFAULT_GLOB));
    }

    /**
     * @throws ProviderConfigurationException naming the setting and what to fix when one is unknown or malformed
     */
    @Override
    public BillingProvider create(Map<String, String> settings) {
        FocusFilesProvider.Builder b = FocusFilesProvider.builder();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String value = e.getValue();
            switch (e.getKey()) {
                case "directory" -> {
                    if (value == null || value.isBlank()) {
                        throw new ProviderConfigurationException("provider setting 'directory' of "
                                + FocusFilesProvider.ID + " is empty; give the folder holding the FOCUS CSV files");
                    }
                    b.directory(path(value));
                }
                case "glob" -> {
                    try {
                        b.glob(value == null ? "" : value.trim());
                    } catch (IllegalArgumentException ex) {
                        throw new ProviderConfigurationException("provider setting 'glob' of " + FocusFilesProvider.ID
                                + ": " + ex.getMessage());
                    }
                }
                default -> throw new ProviderConfigurationException("unknown provider setting '" + e.getKey() + "' for "
                        + FocusFilesProvider.ID + "; known settings: " + String.join(", ", SETTINGS));
            }
        }
        return b.build();
    }

    private static Path path(String value) {
        try {
            return Path.of(value.trim());
        } catch (InvalidPathException e) {
            throw new ProviderConfigurationException("provider setting 'directory' of " + FocusFilesProvider.ID
                    + " is not a valid path: " + e.getMessage());
        }
    }
}
