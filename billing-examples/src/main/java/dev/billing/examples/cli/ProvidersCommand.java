package dev.billing.examples.cli;


import com.fasterxml.jackson.core.JsonGenerator;
import dev.billing.core.Billing;
import dev.billing.core.CredentialField;
import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.Capability;
import dev.billing.core.spi.ProviderSetting;

import java.io.PrintWriter;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code billing providers}: the enabled providers, their credential schemas, settings and capabilities. */
@Command(name = "providers", mixinStandardHelpOptions = true,
        description = "Lists the enabled providers (installed on the classpath) with their credential schema, settings"
                + " and capabilities.")
final class ProvidersCommand implements Callable<Integer> {
    @ParentCommand
    private BillingCli parent;

    @Option(names = "--format", paramLabel = "F", defaultValue = "table", description = "table (default) or json.")
    private Format format;

    /** The output formats. */
    enum Format {
        table, json
    }

    @Override
    public Integer call() {
        PrintWriter out = parent.console().out();
        try (Billing billing = Billing.create()) {
            if (format == Format.json) {
                json(billing, out);
            } else {
                table(billing, out);
            }
        }
        return BillingCli.OK;
    }

    private static void table(Billing billing, PrintWriter out) {
        for (BillingProvider p : billing.providers().list()) {
            out.println(p.id().value() + "  " + p.displayName());
            ReportWriter.Table fields = new ReportWriter.Table(false);
            for (CredentialField f : p.credentialSchema().fields()) {
                fields.add("  " + f.name(), f.label(), (f.required() ? "required" : "optional")
                        + (f.secret() ? ", secret" : ""), "must " + f.requirement());
            }
            fields.print(out);
            List<ProviderSetting> settings = billing.providers().settings(p.id());
            if (!settings.isEmpty()) {
                out.println("  settings (providers." + p.id().value() + " in billing.json):");
                ReportWriter.Table table = new ReportWriter.Table(false);
                for (ProviderSetting s : settings) {
                    table.add("    " + s.name(), s.description(), s.required() ? "required"
                            : s.defaultValue().map(d -> "default " + d).orElse("optional"));
                }
                table.print(out);
            }
            List<Capability> lacks = Arrays.stream(Capability.values()).filter(c -> !p.capabilities().contains(c))
                    .toList();
            out.println("  capabilities: " + words(sorted(p)) + (lacks.isEmpty() ? "" : "; not: " + words(lacks)));
        }
        if (billing.providers().list().isEmpty()) {
            out.println("no provider is installed; add a provider jar such as dev.billing:billing-hyperbilling");
        }
    }

    /** The same as the table: per provider its id, name, credential fields, settings and capabilities. */
    private static void json(Billing billing, PrintWriter out) {
        ReportWriter.printJson(out, g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("providers");
            for (BillingProvider p : billing.providers().list()) {
                g.writeStartObject();
                g.writeStringField("id", p.id().value());
                g.writeStringField("displayName", p.displayName());
                g.writeArrayFieldStart("credentials");
                for (CredentialField f : p.credentialSchema().fields()) {
                    g.writeStartObject();
                    g.writeStringField("name", f.name());
                    g.writeStringField("label", f.label());
                    g.writeBooleanField("required", f.required());
                    g.writeBooleanField("secret", f.secret());
                    g.writeStringField("requirement", f.requirement());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeArrayFieldStart("settings");
                for (ProviderSetting s : billing.providers().settings(p.id())) {
                    g.writeStartObject();
                    g.writeStringField("name", s.name());
                    g.writeStringField("description", s.description());
                    g.writeBooleanField("required", s.required());
                    if (s.defaultValue().isPresent()) {
                        g.writeStringField("default", s.defaultValue().get());
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeArrayFieldStart("capabilities");
                for (Capability c : sorted(p)) {
                    g.writeString(c.name());
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** @return the provider's capabilities in the enum's order */
    private static List<Capability> sorted(BillingProvider p) {
        return Arrays.stream(Capability.values()).filter(p.capabilities()::contains).toList();
    }

    /** @return for example {@code daily, monthly, effective cost} */
    private static String words(List<Capability> capabilities) {
        return capabilities.isEmpty() ? "none" : capabilities.stream()
                .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', ' ')).collect(Collectors.joining(", "));
    }
}
