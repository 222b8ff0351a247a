package dev.billing.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks measure the SDK through its exported API: no source here names a {@code dev.billing...internal}
 * package (the module descriptors do not export them; a benchmark of package-private code lives next to it, as
 * {@code ParseBenchmark} does in billing-hyperbilling's tests).
 */
class NoInternalImportsTest {
    private static final Pattern INTERNAL = Pattern.compile("\\bdev\\.billing(\\.\\w+)*\\.internal\\b");

    @Test
    void noSourceOfTheBenchmarks_namesAnInternalPackage() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(Path.of("src"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(sources).as("the scan sees the benchmarks' sources")
                .anyMatch(p -> p.endsWith(Path.of("ShortRun.java")))
                .anyMatch(p -> p.endsWith(Path.of("NoInternalImportsTest.java")));
        assertThat(sources).as("sources naming a dev.billing internal package")
                .filteredOn(p -> INTERNAL.matcher(read(p)).find()).isEmpty();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
