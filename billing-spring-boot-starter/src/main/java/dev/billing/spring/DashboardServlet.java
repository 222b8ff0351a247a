package dev.billing.spring;

import dev.billing.dashboard.DashboardHandler;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Serves billing-dashboard's {@link DashboardHandler} at {@code billing.dashboard.path} on the application's
 * server, after asking the {@link DashboardAccess} rule whether the user may see the page. A refused request
 * is answered before any report is made, so its body holds no cost figure.
 */
final class DashboardServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient DashboardHandler handler;
    private final transient DashboardAccess access;
    private final String mountPath;

    DashboardServlet(DashboardHandler handler, DashboardAccess access, String mountPath) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.access = Objects.requireNonNull(access, "access");
        this.mountPath = Objects.requireNonNull(mountPath, "mountPath");
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String project = projectOf(request);
        switch (access.decide(request, project)) {
            case ALLOW -> handler.handle(new ServletExchange(request, response, mountPath, handler));
            case UNAUTHENTICATED -> refuse(response, HttpServletResponse.SC_UNAUTHORIZED,
                    "Sign in to see the billing dashboard.");
            case FORBIDDEN -> refuse(response, HttpServletResponse.SC_FORBIDDEN, project == null
                    ? "The billing domain needs the authority " + DashboardAccess.DOMAIN_AUTHORITY + "."
                    : "This project needs the authority " + DashboardAccess.DOMAIN_AUTHORITY + " or "
                    + DashboardAccess.PROJECT_AUTHORITY_PREFIX + "<project>.");
        }
    }

    /**
     * @return the project a request shows: that of {@code projects/{project}}, or the one {@code project}
     *     parameter of {@code api/report}; {@code null} (the domain) for anything else, so that a request the
     *     handler would refuse is judged by the strictest rule
     */
    static String projectOf(HttpServletRequest request) {
        String info = request.getPathInfo() == null ? "" : request.getPathInfo();
        if (info.startsWith("/projects/") && info.indexOf('/', "/projects/".length()) < 0) {
            // the handler decodes the raw segment itself; a project id never holds '/'
            String uri = request.getRequestURI();
            return decode(uri.substring(uri.lastIndexOf('/') + 1));
        }
        if (info.equals("/api/report")) {
            String[] values = request.getParameterValues("project");
            return values != null && values.length == 1 && !values[0].isEmpty() ? values[0] : null;
        }
        return null;
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.setHeader("Cache-Control", "private, no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.getWriter().write(message + "\n");
    }
}
