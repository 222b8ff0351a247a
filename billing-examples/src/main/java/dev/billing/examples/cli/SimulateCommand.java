package dev.billing.examples.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.billing.testkit.HyperBillingSimulator;
import dev.billing.testkit.SimulatorData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code billing simulate}: the HyperBilling simulator in the foreground. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Runs the HyperBilling simulator on 127.0.0.1 in the foreground until stopped (Ctrl-C),"
                + " for trying a host application against it.",
                "Without --data it serves the demo domain (billing demo) from January 2026 through today, so that"
                        + " 'billing serve' shows its default months; its API users are the quick start's"
                        + " (QuickStart: ops@example.com, data@example.com)."},
        footer = {"", "Data file formats: see SimulatorData.load in billing-testkit. JSON:"
                + " {\"accounts\": [{\"id\", \"currency\"}], \"users\": [{\"email\", \"key\", \"accounts\"}],"
                + " \"rows\": [{\"account\", \"date\", \"service\", \"region\", \"usageType\", \"instanceType\","
                + " \"cost\", \"quantity\"}]}. CSV header:"
                + " account,currency,date,service,region,usageType,instanceType,cost,quantity"
                + " (API user " + SimulatorData.DEFAULT_EMAIL + " / " + SimulatorData.DEFAULT_KEY + ")."})
final class SimulateCommand implements Callable<Integer> {
    @ParentCommand
    private BillingCli parent;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0",
            description = "The loopback port; 0 (default) picks a free one.")
    private int port;

    @Option(names = "--data", paramLabel = "FILE", description = "Serve this .json or .csv file instead of the demo data.")
    private Path data;

    @Option(names = "--write-config", paramLabel = "FILE",
            description = "Also write a configuration file for 'billing report' pointing at the simulator; it"
                    + " reads each API user's key from an environment variable (\"${env:HB_KEY_...}\"), and the"
                    + " 'export' lines that set them are printed.")
    private Path writeConfig;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = parent.console().out();
        if (port < 0 || port > 65535) {
            throw CliException.usage("--port " + port + " must be 0 to 65535");
        }
        SimulatorData served;
        if (data == null) {
            LocalDate tomorrow = LocalDate.now(Clock.systemUTC()).plusDays(1);
            served = DemoDomain.data(tomorrow.isAfter(DemoDomain.PERIOD.end()) ? tomorrow : DemoDomain.PERIOD.end());
        } else if (!Files.isRegularFile(data)) {
            throw CliException.usage("--data " + data + ": file not found; give a .json or .csv data file");
        } else {
            try {
                served = SimulatorData.load(data);
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw CliException.usage("--data " + e.getMessage());
            }
        }
        try (HyperBillingSimulator simulator = HyperBillingSimulator.builder().data(served).port(port).start()) {
            out.println("HyperBilling simulator listening on " + simulator.endpoint() + " (Ctrl-C to stop)");
            for (SimulatorData.ApiUser u : served.users()) {
                out.println("  API user " + u.email() + " reads accounts " + String.join(", ", u.accounts().stream().sorted().toList()));
            }
            if (writeConfig != null) {
                Map<SimulatorData.ApiUser, String> keys = writeConfig(simulator, served);
                out.println("wrote " + writeConfig + "; it reads the API keys from the environment:");
                keys.forEach((user, env) -> out.println("  export " + env + "=" + shellQuoted(user.key())));
                out.println("then try: billing report --config " + writeConfig + " --from 2026-01 --to 2026-07"
                        + ", or billing serve --config " + writeConfig);
            }
            out.flush();
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return BillingCli.OK;
    }

    /**
     * @return each API user the configuration names, with the environment variable its key is read from, in the
     *     order of the accounts
     */
    private Map<SimulatorData.ApiUser, String> writeConfig(HyperBillingSimulator simulator, SimulatorData served) {
        Map<SimulatorData.ApiUser, String> keys = new LinkedHashMap<>();
        try (Writer w = Files.newBufferedWriter(writeConfig, StandardCharsets.UTF_8);
             JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.setPrettyPrinter(ReportWriter.pretty());
            g.writeStartObject();
            g.writeObjectFieldStart("providers");
            g.writeObjectFieldStart(DemoCommand.PROVIDER);
            g.writeStringField("endpoint", simulator.endpoint());
            g.writeEndObject();
            g.writeEndObject();
            g.writeArrayFieldStart("serviceAccounts");
            for (String account : served.accounts()) {
                SimulatorData.ApiUser user = served.userFor(account).orElse(null);
                if (user == null) {
                    continue;
                }
                DemoDomain.Account demo = data == null ? DemoDomain.ACCOUNTS.stream()
                        .filter(a -> a.account().equals(account)).findFirst().orElse(null) : null;
                g.writeStartObject();
                g.writeStringField("name", demo == null ? "aws-" + account : demo.name());
                g.writeStringField("provider", DemoCommand.PROVIDER);
                g.writeStringField("project", demo == null ? "project-" + account : demo.project());
                g.writeObjectFieldStart("credentials");
                g.writeStringField("account", account);
                g.writeStringField("email", user.email());
                g.writeStringField("key", "${env:" + keys.computeIfAbsent(user, u -> envName(u, served)) + "}");
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw CliException.usage("--write-config " + writeConfig + ": cannot write (" + e.getMessage() + ")");
        }
        return keys;
    }

    /** @return the demo user's variable (the quick start's HB_KEY_WEB, HB_KEY_DATA), else HB_KEY_N, N its place */
    private String envName(SimulatorData.ApiUser user, SimulatorData served) {
        return DemoDomain.USERS.stream().filter(u -> data == null && u.email().equals(user.email()))
                .map(DemoDomain.User::env).findFirst()
                .orElse("HB_KEY_" + (served.users().indexOf(user) + 1));
    }

    /** @return the value in single quotes for a POSIX shell */
    static String shellQuoted(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
