package dev.billing.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet in README.md and docs/ is compiled and run: each ```java block must be, word for
 * word (up to indentation), the region between {@code // README-BEGIN} and {@code // README-END} of a
 * source file the build compiles, in a test or in a main class a test uses. A region no page shows any
 * more is reported too, so that the two never drift apart.
 */
class DocSnippetsTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```");
    private static final Pattern REGION = Pattern.compile("(?s)// README-BEGIN\\n(.*?)\\n\\s*// README-END");

    @Test
    void everyJavaBlockInTheDocs_isACompiledSourceRegion() throws IOException {
        Map<String, Path> regions = sourceRegions();
        int blocks = 0;
        for (Path page : UserDocs.pages()) {
            for (String block : matches(JAVA_BLOCK, UserDocs.read(page))) {
                blocks++;
                assertThat(regions).as("%s: this Java snippet is not a README-BEGIN/END region of any source:%n%s",
                        UserDocs.name(page), block).containsKey(normalize(block));
            }
        }
        assertThat(blocks).as("Java snippets in README.md and docs/").isGreaterThanOrEqualTo(20);
    }

    @Test
    void everySourceRegion_isShownByAPage() throws IOException {
        Set<String> shown = UserDocs.pages().stream().map(UserDocs::read)
                .flatMap(text -> matches(JAVA_BLOCK, text).stream())
                .map(DocSnippetsTest::normalize)
                .collect(Collectors.toSet());
        List<String> unshown = new ArrayList<>();
        sourceRegions().forEach((region, file) -> {
            if (!shown.contains(region)) {
                unshown.add(UserDocs.name(file) + ":\n" + region);
            }
        });
        assertThat(unshown).as("README-BEGIN/END regions that no page of README.md or docs/ shows").isEmpty();
    }

    @Test
    void everyRegionInMainCode_isRunByATest() throws IOException {
        String tests;
        try (Stream<Path> files = sources()) {
            tests = files.filter(p -> p.toString().contains(sep("src", "test")))
                    .map(UserDocs::read).collect(Collectors.joining("\n"));
        }
        for (Path file : sourceRegions().values()) {
            if (file.toString().contains(sep("src", "main"))) {
                String type = file.getFileName().toString().replace(".java", "");
                assertThat(tests).as("%s shows a snippet, but no test uses %s", UserDocs.name(file), type)
                        .containsPattern("\\b" + type + "\\b");
            }
        }
    }

    private static String sep(String a, String b) {
        return File.separator + a + File.separator + b + File.separator;
    }

    private static Stream<Path> sources() throws IOException {
        return Files.walk(UserDocs.ROOT, 12)
                .filter(p -> p.toString().endsWith(".java") && p.toString().contains(File.separator + "src" + File.separator))
                .filter(p -> !p.toString().contains(File.separator + "target" + File.separator));
    }

    /** Each region's text, normalized, and the file that holds it. */
    private static Map<String, Path> sourceRegions() throws IOException {
        Map<String, Path> regions = new HashMap<>();
        try (Stream<Path> files = sources()) {
            files.forEach(file -> matches(REGION, UserDocs.read(file))
                    .forEach(region -> regions.putIfAbsent(normalize(region), file)));
        }
        return regions;
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
