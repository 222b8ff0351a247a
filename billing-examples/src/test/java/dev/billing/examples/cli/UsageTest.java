package dev.billing.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Help, no command, and mistyped commands and options: what a new user sees first. */
class UsageTest {

    /** @return every command's words ({@code []} for {@code billing} itself), found in picocli's command tree */
    static Stream<List<String>> everyCommand() {
        List<List<String>> all = new ArrayList<>();
        walk(new CommandLine(new BillingCli(new BillingCli.Console(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), Map.of(), false))), List.of(), all);
        return all.stream();
    }

    private static void walk(CommandLine command, List<String> words, List<List<String>> all) {
        all.add(words);
        command.getSubcommands().forEach((name, sub) -> {
            List<String> more = new ArrayList<>(words);
            more.add(name);
            walk(sub, more, all);
        });
    }

    @Test
    void theTreeHoldsEveryCommand() {
        assertThat(everyCommand().map(w -> String.join(" ", w))).contains("", "demo", "providers", "verify",
                "report", "sync", "simulate", "export", "serve", "budgets");
    }

    /** picocli warns on System.err (not the command's stderr) when a help text is not a valid format string. */
    @ParameterizedTest(name = "billing {0} --help")
    @MethodSource("everyCommand")
    void help_printsUsage_withoutAnyWarning(List<String> words) {
        List<String> args = new ArrayList<>(words);
        args.add("--help");
        PrintStream original = System.err;
        ByteArrayOutputStream tracer = new ByteArrayOutputStream();
        Cli r;
        try {
            System.setErr(new PrintStream(tracer, true, StandardCharsets.UTF_8));
            r = Cli.run(Map.of(), args.toArray(String[]::new));
        } finally {
            System.setErr(original);
        }
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).as(r.toString()).startsWith("Usage: billing").doesNotContain("WARN");
        assertThat(r.err).as(r.toString()).isEmpty();
        assertThat(tracer.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void noCommand_printsUsageOnStderr_andExits2() {
        Cli r = Cli.run(Map.of(), new String[0]);
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.out).isEmpty();
        assertThat(r.err).startsWith("Usage: billing").contains("Commands:", "report")
                .endsWith("error: give a command (see 'billing --help')\n");
    }

    @Test
    void mistypedCommand_suggestsTheClosest() {
        Cli r = Cli.run(Map.of(), "reprot");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.err.lines()).as(r.toString()).containsExactly("error: Unmatched argument at index 0: 'reprot';"
                + " did you mean billing report or billing providers? (see 'billing --help')");
    }

    @Test
    void mistypedOption_suggestsTheClosest_evenWhenARequiredOptionIsMissingToo() {
        Cli missing = Cli.run(Map.of(), "report", "--config", "billing.json", "--fromm", "2026-01", "--to", "2026-02");
        Cli all = Cli.run(Map.of(), "report", "--config", "billing.json", "--from", "2026-01", "--to", "2026-02",
                "--grup-by", "service");
        assertThat(missing.exitCode).as(missing.toString()).isEqualTo(2);
        assertThat(missing.err.lines()).as(missing.toString()).containsExactly("error: Missing required option:"
                + " '--from=START'; Unknown options: '--fromm', '2026-01'; did you mean --from or --from-store?"
                + " (see 'billing report --help')");
        assertThat(all.exitCode).as(all.toString()).isEqualTo(2);
        assertThat(all.err).as(all.toString()).contains("did you mean --granularity or --group-by?");
    }

    @Test
    void nothingToSuggest_saysNoMore() {
        Cli r = Cli.run(Map.of(), "xyzzy");
        assertThat(r.err.lines()).as(r.toString())
                .containsExactly("error: Unmatched argument at index 0: 'xyzzy' (see 'billing --help')");
    }
}
