package dev.billing.examples;

import com.sun.net.httpserver.HttpServer;
import dev.billing.core.Billing;
import dev.billing.core.BillingPeriod;
import dev.billing.core.CostReport;
import dev.billing.core.Granularity;
import dev.billing.dashboard.DashboardHandler;
import dev.billing.dashboard.DashboardRenderer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.YearMonth;

/**
 * The dashboard examples of docs/dashboard.md: the ready handler mounted in a host's JDK HTTP server, and
 * the pure renderer called by any web framework. The regions between the README markers are the page's
 * snippets, word for word.
 */
public final class DashboardHost {
    private DashboardHost() {
    }

    /**
     * A page and the policy to send with it.
     *
     * @param html the HTML document
     * @param contentSecurityPolicy the {@code Content-Security-Policy} header's value
     */
    public record Page(String html, String contentSecurityPolicy) {
    }

    /**
     * Serves the dashboards of {@code billing} at {@code /billing/} on 127.0.0.1.
     *
     * @param billing the host's billing, its accounts registered
     * @param port the port, 0 for a free one
     * @return the started server; the caller stops it
     * @throws IOException when the port cannot be bound
     */
    public static HttpServer mount(Billing billing, int port) throws IOException {
        // README-BEGIN
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/billing/", DashboardHandler.builder(billing.costs()::report).build());
        server.start();
        // README-END
        return server;
    }

    /**
     * Draws one project's dashboard with the renderer alone.
     *
     * @param billing the host's billing
     * @param project the project
     * @return the page and its policy
     */
    public static Page projectPage(Billing billing, String project) {
        // README-BEGIN
        DashboardRenderer renderer = DashboardRenderer.create();
        BillingPeriod period = BillingPeriod.monthsThrough(YearMonth.of(2026, 1), YearMonth.of(2026, 6));
        CostReport report = billing.costs().report(
                DashboardRenderer.projectQuery(project, period, Granularity.MONTHLY));
        String html = renderer.project(report, project);
        String csp = DashboardRenderer.contentSecurityPolicy();   // send it as Content-Security-Policy
        // README-END
        return new Page(html, csp);
    }
}
