package dev.billing.spring;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Decides who sees which dashboard page. With Spring Security on the classpath the starter's rule needs an
 * authenticated user, and the authority {@code BILLING_DOMAIN} for the domain page and for
 * {@code {path}/api/report} without {@code project}, or {@code BILLING_DOMAIN} or
 * {@code BILLING_PROJECT_<project>} for a project's page and {@code {path}/api/report?project=<project>}.
 * Without Spring Security every request is allowed. Define a bean of this type to replace the rule.
 */
@FunctionalInterface
public interface DashboardAccess {

    /** The authority that shows the whole domain and every project. */
    String DOMAIN_AUTHORITY = "BILLING_DOMAIN";

    /** The prefix of the authority that shows one project: {@code BILLING_PROJECT_} and the project id. */
    String PROJECT_AUTHORITY_PREFIX = "BILLING_PROJECT_";

    /** Allows every request: the rule without Spring Security. */
    DashboardAccess OPEN = (request, project) -> Decision.ALLOW;

    /**
     * @param request the dashboard request
     * @param project the project the request shows, or {@code null} for the domain
     * @return whether to answer it
     */
    Decision decide(HttpServletRequest request, String project);

    /** What to answer. */
    enum Decision {
        /** Serve the page. */
        ALLOW,
        /** 401: nobody is signed in. */
        UNAUTHENTICATED,
        /** 403: the user may not see it. */
        FORBIDDEN
    }
}
