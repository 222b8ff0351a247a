package dev.billing.examples.cli;

import dev.billing.core.Billing;
import dev.billing.core.CredentialField;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.ProviderSetting;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code billing providers}: the enabled providers and their credential schemas. */
@Command(name = "providers", mixinStandardHelpOptions = true,
        description = "Lists the enabled providers (installed on the classpath) with their credential schema and settings.")
final class ProvidersCommand implements Callable<Integer> {
    @ParentCommand
    private BillingCli parent;

    @Override
    public Integer call() {
        PrintWriter out = parent.console().out();
        try (Billing billing = Billing.create()) {
            for (BillingProvider p : billing.providers().list()) {
                out.println(p.id().value() + "  " + p.displayName());
                ReportWriter.Table fields = new ReportWriter.Table(false);
                for (CredentialField f : p.credentialSchema().fields()) {
                    fields.add("  " + f.name(), f.label(), (f.required() ? "required" : "optional")
                            + (f.secret() ? ", secret" : ""), "must " + f.requirement());
                }
                fields.print(out);
                List<ProviderSetting> settings = billing.providers().settings(p.id().value());
                if (!settings.isEmpty()) {
                    out.println("  settings (providers." + p.id().value() + " in billing.json):");
                    ReportWriter.Table table = new ReportWriter.Table(false);
                    for (ProviderSetting s : settings) {
                        table.add("    " + s.name(), s.description(), s.required() ? "required"
                                : s.defaultValue().map(d -> "default " + d).orElse("optional"));
                    }
                    table.print(out);
                }
            }
            if (billing.providers().list().isEmpty()) {
                out.println("no provider is installed; add a provider jar such as dev.billing:billing-hyperbilling");
            }
        }
        return BillingCli.OK;
    }
}
