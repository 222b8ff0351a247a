package dev.billing.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The providers this project publishes, and the artifact that brings each: data, read from
 * {@code known-providers.properties} next to this class, so that core names no provider in its code.
 */
final class KnownProviders {
    static final String RESOURCE = "known-providers.properties";
    private static final Map<String, String> ARTIFACTS = load();

    private KnownProviders() {
    }

    static Optional<String> artifactFor(String providerId) {
        return providerId == null ? Optional.empty() : Optional.ofNullable(ARTIFACTS.get(providerId));
    }

    static String describe() {
        return ARTIFACTS.entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
    }

    private static Map<String, String> load() {
        Properties p = new Properties();
        try (InputStream in = KnownProviders.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from billing-core's jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " of billing-core", e);
        }
        Map<String, String> artifacts = new TreeMap<>();
        p.stringPropertyNames().forEach(id -> artifacts.put(id, p.getProperty(id).strip()));
        return Collections.unmodifiableMap(artifacts);
    }
}
