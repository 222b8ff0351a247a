package dev.billing.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every published jar hides its internals: it has a module descriptor that exports no {@code internal}
 * package and provides exactly the services its {@code META-INF/services} files list (the class path and the
 * module path find the same providers), and no package is split over two modules of the build (benchmarks and
 * examples included).
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
            assertThat(d.exports()).as("support packages of %s are exported only to the SDK's modules", d.name())
                    .filteredOn(e -> e.source().endsWith(".support"))
                    .allSatisfy(e -> assertThat(e.isQualified()).isTrue());
            assertThat(d.opens()).as("opens of %s", d.name())
                    .allSatisfy(o -> assertThat(o.source()).doesNotContain("internal"));
            assertThat(providesMismatch(d, module.resolve("target/classes")))
                    .as("services of %s that module-info.java and META-INF/services do not both declare", d.name())
                    .isEmpty();
        }
    }

    /** A descriptor that forgets one of the two factories its services file lists is caught. */
    @Test
    void providesMismatch_reportsAServiceTheDescriptorForgets() {
        Path fixture = root().resolve("billing-examples/src/test/resources/descriptor-fixtures/two-factories");
        ModuleDescriptor broken = ModuleDescriptor.newModule("dev.billing.fixture")
                .provides("dev.billing.core.spi.BillingProviderFactory", List.of("dev.billing.fixture.FirstFactory"))
                .build();
        assertThat(providesMismatch(broken, fixture))
                .containsExactly("dev.billing.core.spi.BillingProviderFactory: META-INF/services only:"
                        + " [dev.billing.fixture.SecondFactory]");

        ModuleDescriptor whole = ModuleDescriptor.newModule("dev.billing.fixture")
                .provides("dev.billing.core.spi.BillingProviderFactory",
                        List.of("dev.billing.fixture.FirstFactory", "dev.billing.fixture.SecondFactory"))
                .build();
        assertThat(providesMismatch(whole, fixture)).isEmpty();

        ModuleDescriptor extra = ModuleDescriptor.newModule("dev.billing.fixture")
                .provides("dev.billing.fixture.Other", List.of("dev.billing.fixture.OtherImpl"))
                .provides("dev.billing.core.spi.BillingProviderFactory",
                        List.of("dev.billing.fixture.FirstFactory", "dev.billing.fixture.SecondFactory"))
                .build();
        assertThat(providesMismatch(extra, fixture))
                .containsExactly("dev.billing.fixture.Other: module-info only: [dev.billing.fixture.OtherImpl]");
    }

    /**
     * @param descriptor a module's descriptor
     * @param classes the jar's root, holding {@code META-INF/services}
     * @return one line per service whose providers differ between the two, empty when they agree
     */
    static List<String> providesMismatch(ModuleDescriptor descriptor, Path classes) {
        Map<String, Set<String>> declared = new TreeMap<>();
        descriptor.provides().forEach(p -> declared.put(p.service(), new TreeSet<>(p.providers())));
        Map<String, Set<String>> listed = new TreeMap<>();
        Path services = classes.resolve("META-INF/services");
        if (Files.isDirectory(services)) {
            try (Stream<Path> files = Files.list(services)) {
                for (Path f : files.sorted().toList()) {
                    Set<String> names = Files.readAllLines(f).stream().map(l -> l.replaceAll("#.*", "").trim())
                            .filter(l -> !l.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
                    listed.put(f.getFileName().toString(), names);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<String> problems = new ArrayList<>();
        Set<String> servicesNamed = new TreeSet<>(declared.keySet());
        servicesNamed.addAll(listed.keySet());
        for (String service : servicesNamed) {
            Set<String> inDescriptor = declared.getOrDefault(service, Set.of());
            Set<String> inFile = listed.getOrDefault(service, Set.of());
            Set<String> fileOnly = new TreeSet<>(inFile);
            fileOnly.removeAll(inDescriptor);
            Set<String> descriptorOnly = new TreeSet<>(inDescriptor);
            descriptorOnly.removeAll(inFile);
            if (!fileOnly.isEmpty()) {
                problems.add(service + ": META-INF/services only: " + fileOnly);
            }
            if (!descriptorOnly.isEmpty()) {
                problems.add(service + ": module-info only: " + descriptorOnly);
            }
        }
        return problems;
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
