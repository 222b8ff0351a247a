package dev.billing.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every published jar hides its internals: it has a module descriptor that exports no {@code internal}
 * package, and no package is split over two modules of the build (benchmarks and examples included).
 */
class ModuleDescriptorsTest {
    /** The modules of the build that are not published as libraries. */
    private static final Set<String> APPLICATIONS = Set.of("billing-examples", "billing-benchmarks", "billing-bom",
            "billing-spring-boot-sample");

    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        return Files.exists(dir.resolve("billing-core")) ? dir : dir.getParent();
    }

    private static List<Path> modules() {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("billing-")
                    && Files.exists(d.resolve("pom.xml"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyPublishedJar_hasADescriptorThatExportsNoInternalPackage() throws IOException {
        List<Path> published = modules().stream()
                .filter(m -> !APPLICATIONS.contains(m.getFileName().toString())).toList();
        assertThat(published).extracting(m -> m.getFileName().toString())
                .contains("billing-core", "billing-hyperbilling", "billing-testkit", "billing-jdbc", "billing-aws");
        for (Path module : published) {
            Path descriptor = module.resolve("target/classes/module-info.class");
            assertThat(descriptor).as("%s has a module-info.java", module.getFileName()).exists();
            ModuleDescriptor d;
            try (InputStream in = Files.newInputStream(descriptor)) {
                d = ModuleDescriptor.read(in);
            }
            assertThat(d.name()).startsWith("dev.billing.");
            assertThat(d.exports()).as("exports of %s", d.name()).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.source()).doesNotContain("internal"));
            assertThat(d.opens()).as("opens of %s", d.name())
                    .allSatisfy(o -> assertThat(o.source()).doesNotContain("internal"));
        }
    }

    @Test
    void noPackage_isInTwoModules() throws IOException {
        Map<String, Set<String>> owners = new HashMap<>();
        for (Path module : modules()) {
            Path sources = module.resolve("src/main/java");
            if (!Files.isDirectory(sources)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(sources)) {
                files.filter(f -> f.toString().endsWith(".java") && !f.getFileName().toString().equals("module-info.java"))
                        .map(f -> sources.relativize(f.getParent()).toString().replace('/', '.'))
                        .distinct()
                        .forEach(p -> owners.computeIfAbsent(p, k -> new TreeSet<>()).add(module.getFileName().toString()));
            }
        }
        assertThat(owners).isNotEmpty();
        Map<String, Set<String>> split = owners.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(split).as("packages in more than one module").isEmpty();
    }
}
