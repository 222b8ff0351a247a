package dev.billing.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in README.md and docs/ resolves: the file (or directory) exists, and an
 * {@code #anchor} names a heading of the target page, spelled as GitHub spells heading anchors.
 */
class DocLinksTest {
    /** {@code [text](target)} and {@code ![alt](target)}, with an optional {@code "title"}. */
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern FENCE = Pattern.compile("(?ms)^\\s*```.*?^\\s*```[^\\n]*$");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?s:.+?)\\1");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}[ \\t]+(.+?)[ \\t#]*$");

    @Test
    void everyRelativeLink_resolvesToAFileAndHeading() {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : UserDocs.pages()) {
            for (String target : links(UserDocs.read(page))) {
                if (target.matches("(?i)[a-z][a-z0-9+.-]*:.*")) { // https:, mailto: ...: not relative
                    continue;
                }
                checked++;
                String problem = problem(page, target);
                if (problem != null) {
                    broken.add(UserDocs.name(page) + ": (" + target + ") " + problem);
                }
            }
        }
        assertThat(checked).as("relative links in README.md and docs/").isGreaterThanOrEqualTo(30);
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void anchors_areSpelledAsGitHubSpellsThem() {
        assertThat(anchors("# Title\n## Converted totals: `--currency CUR --rates FILE`\n```sh\n# not a heading\n```\n"
                + "## HyperBilling for Google Cloud, Alibaba (`hyperbilling-mzc`)\n## Errors\n## Errors\n"))
                .containsExactly("title", "converted-totals---currency-cur---rates-file",
                        "hyperbilling-for-google-cloud-alibaba-hyperbilling-mzc", "errors", "errors-1");
    }

    @Test
    void aBrokenLinkOrAnchor_isReported() {
        Path readme = UserDocs.ROOT.resolve("README.md");
        assertThat(problem(readme, "docs/no-such-page.md")).contains("no such file");
        assertThat(problem(readme, "docs/cli.md#no-such-heading")).contains("no heading");
        assertThat(problem(readme, "docs/cli.md")).isNull();
    }

    /** Why {@code target}, linked from {@code page}, does not resolve; null when it does. */
    private static String problem(Path page, String target) {
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file.replace("%20", " ")).normalize();
        if (!Files.exists(resolved)) {
            return "no such file: " + UserDocs.name(resolved);
        }
        if (hash < 0) {
            return null;
        }
        String anchor = target.substring(hash + 1);
        if (!resolved.toString().endsWith(".md")) {
            return "an anchor into a file that is not Markdown";
        }
        Set<String> anchors = anchors(UserDocs.read(resolved));
        return anchors.contains(anchor) ? null : "no heading with anchor #" + anchor + " in " + UserDocs.name(resolved);
    }

    private static List<String> links(String markdown) {
        String text = CODE_SPAN.matcher(FENCE.matcher(markdown).replaceAll("")).replaceAll("");
        List<String> out = new ArrayList<>();
        Matcher m = LINK.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces as '-', repeats numbered. */
    static Set<String> anchors(String markdown) {
        Set<String> out = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        Matcher m = HEADING.matcher(FENCE.matcher(markdown).replaceAll(""));
        while (m.find()) {
            String slug = m.group(1).toLowerCase(Locale.ROOT)
                    .replaceAll("\\[([^\\]]*)]\\([^)]*\\)", "$1") // a link's text stays
                    .replaceAll("[^\\p{L}\\p{N}\\p{Mn}\\p{Pc} -]", "")
                    .replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum);
            out.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
        return out;
    }
}
