package dev.billing.spring;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The starter's rule with Spring Security: an authenticated user; {@code BILLING_DOMAIN} for the domain,
 * {@code BILLING_DOMAIN} or {@code BILLING_PROJECT_<project>} for a project.
 */
final class SecurityDashboardAccess implements DashboardAccess {

    @Override
    public Decision decide(HttpServletRequest request, String project) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
            return Decision.UNAUTHENTICATED;
        }
        for (GrantedAuthority granted : auth.getAuthorities()) {
            String a = granted.getAuthority();
            if (DOMAIN_AUTHORITY.equals(a) || (project != null && (PROJECT_AUTHORITY_PREFIX + project).equals(a))) {
                return Decision.ALLOW;
            }
        }
        return Decision.FORBIDDEN;
    }
}
