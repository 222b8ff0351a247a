package dev.billing.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet in README.md is compiled and run: each ```java block must be, word for word
 * (up to indentation), the region between {@code // README-BEGIN} and {@code // README-END} of a
 * source file that the build compiles and a test runs.
 */
class ReadmeSnippetsTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```");
    private static final Pattern REGION = Pattern.compile("(?s)// README-BEGIN\\n(.*?)\\n\\s*// README-END");

    @Test
    void everyJavaBlockInTheReadme_isACompiledSourceRegion() throws IOException {
        List<String> blocks = matches(JAVA_BLOCK, Files.readString(ROOT.resolve("README.md")));
        Set<String> regions = sourceRegions();

        assertThat(blocks).as("README.md has Java snippets").hasSizeGreaterThanOrEqualTo(4);
        assertThat(regions).as("sources have README regions").hasSizeGreaterThanOrEqualTo(blocks.size());
        for (String block : blocks) {
            assertThat(regions).as("README snippet is not a README-BEGIN/END region of any source:%n%s", block)
                    .contains(normalize(block));
        }
    }

    private static Set<String> sourceRegions() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT, 12)) {
            return files.filter(p -> p.toString().endsWith(".java") && p.toString().contains(File.separator + "src" + File.separator))
                    .filter(p -> !p.toString().contains("target"))
                    .flatMap(p -> matches(REGION, read(p)).stream())
                    .map(ReadmeSnippetsTest::normalize)
                    .collect(Collectors.toSet());
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> matches(Pattern pattern, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Removes the common indentation and trailing blanks. */
    static String normalize(String code) {
        List<String> lines = code.stripTrailing().lines().map(String::stripTrailing).toList();
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n"));
    }
}
