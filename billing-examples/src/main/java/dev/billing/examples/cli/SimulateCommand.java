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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code billing simulate}: the HyperBilling simulator in the foreground. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Runs the HyperBilling simulator on 127.0.0.1 in the foreground until stopped (Ctrl-C),"
                + " for trying a host application against it."},
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
            description = "Also write a configuration file for 'billing report' pointing at the simulator"
                    + " (it holds the simulator's API keys).")
    private Path writeConfig;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = parent.console().out();
        if (port < 0 || port > 65535) {
            throw CliException.usage("--port " + port + " must be 0 to 65535");
        }
        SimulatorData served;
        if (data == null) {
            served = DemoDomain.data();
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
                out.println("  API user " + u.email() + " reads accounts " + String.join(", ", u.accounts()));
            }
            if (writeConfig != null) {
                writeConfig(simulator, served);
                out.println("wrote " + writeConfig + "; try: billing report --config " + writeConfig
                        + " --from 2026-01 --to 2026-07");
            }
            out.flush();
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return BillingCli.OK;
    }

    private void writeConfig(HyperBillingSimulator simulator, SimulatorData served) {
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
                g.writeStringField("key", user.key());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw CliException.usage("--write-config " + writeConfig + ": cannot write (" + e.getMessage() + ")");
        }
    }
}
