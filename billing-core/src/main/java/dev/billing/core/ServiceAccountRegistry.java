package dev.billing.core;

import dev.billing.core.spi.BillingProvider;
import dev.billing.core.spi.ServiceAccountStore;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The billing service accounts of a domain: which provider to ask, with which credentials, and the
 * project the costs belong to. Thread-safe.
 *
 * <pre>{@code
 * billing.serviceAccounts().register("prod-aws", "hyperbilling-aws", credentials, "project-web");
 * }</pre>
 */
public final class ServiceAccountRegistry {
    private final BillingProviders providers;
    private final ServiceAccountStore store;

    ServiceAccountRegistry(BillingProviders providers, ServiceAccountStore store) {
        this.providers = providers;
        this.store = store;
    }

    /**
     * Registers a billing service account.
     *
     * @param name a unique name
     * @param provider the id of an enabled provider, for example {@code hyperbilling-aws}
     * @param credentials the credentials the provider's schema asks for
     * @param project the project the account's costs belong to; mandatory
     * @param labels free-form labels for the host application
     * @return the registered account
     * @throws InvalidRequestException when the project, provider or credentials are missing
     * @throws ProviderNotEnabledException when the provider is not enabled
     * @throws InvalidCredentialsException when the credentials do not fit the provider's schema
     * @throws DuplicateServiceAccountException when the name is taken
     */
    public ServiceAccount register(ServiceAccountId name, ProviderId provider, Credentials credentials,
                                   ProjectId project, Map<String, String> labels) {
        Objects.requireNonNull(name, "name");
        if (project == null) {
            throw new InvalidRequestException("service account '" + name + "' has no project: every billing service"
                    + " account belongs to a project; pass the project its costs belong to", name.value(), null);
        }
        if (provider == null) {
            throw new InvalidRequestException("service account '" + name + "' has no provider; use one of "
                    + providers.ids(), name.value(), null);
        }
        BillingProvider billingProvider = providers.get(provider);
        if (credentials == null) {
            throw new InvalidRequestException("service account '" + name + "' has no credentials; " + provider
                    + " needs " + billingProvider.credentialSchema().fields().stream().map(CredentialField::name)
                    .collect(Collectors.joining(", ")), name.value(), null);
        }
        billingProvider.credentialSchema().validate(credentials, name.value(), provider.value());
        ServiceAccount account = new ServiceAccount(name, billingProvider.id(), project, credentials, labels);
        if (!store.insertIfAbsent(account)) {
            throw new DuplicateServiceAccountException(name.value());
        }
        return account;
    }

    /**
     * Registers a billing service account without labels.
     *
     * @param name a unique name
     * @param provider the id of an enabled provider
     * @param credentials the credentials the provider's schema asks for
     * @param project the project the account's costs belong to; mandatory
     * @return {@link #register(ServiceAccountId, ProviderId, Credentials, ProjectId, Map) register(name, provider,
     *     credentials, project, Map.of())}
     */
    public ServiceAccount register(ServiceAccountId name, ProviderId provider, Credentials credentials,
                                   ProjectId project) {
        return register(name, provider, credentials, project, Map.of());
    }

    /**
     * Registers a billing service account from text, as a configuration file or a command line gives it.
     *
     * @param name a unique name: 1 to 128 letters, digits, '.', '_', ':' or '-'
     * @param provider the id of an enabled provider, for example {@code hyperbilling-aws}
     * @param credentials the credentials the provider's schema asks for
     * @param project the project the account's costs belong to; mandatory
     * @return the registered account
     * @throws InvalidRequestException when the name, project, provider or credentials are missing, or the
     *     name, project or provider id is malformed
     * @throws ProviderNotEnabledException when the provider is not enabled
     * @throws InvalidCredentialsException when the credentials do not fit the provider's schema
     * @throws DuplicateServiceAccountException when the name is taken
     */
    public ServiceAccount register(String name, String provider, Credentials credentials, String project) {
        return register(name, provider, credentials, project, Map.of());
    }

    /**
     * Registers a billing service account with labels, from text.
     *
     * @param name a unique name: 1 to 128 letters, digits, '.', '_', ':' or '-'
     * @param provider the id of an enabled provider, for example {@code hyperbilling-aws}
     * @param credentials the credentials the provider's schema asks for
     * @param project the project the account's costs belong to; mandatory
     * @param labels free-form labels for the host application
     * @return the registered account
     * @throws InvalidRequestException when the name, project, provider or credentials are missing, or the
     *     name, project or provider id is malformed
     * @throws ProviderNotEnabledException when the provider is not enabled
     * @throws InvalidCredentialsException when the credentials do not fit the provider's schema
     * @throws DuplicateServiceAccountException when the name is taken
     */
    public ServiceAccount register(String name, String provider, Credentials credentials, String project,
                                   Map<String, String> labels) {
        ServiceAccountId id = ServiceAccountId.of(name);
        ProjectId projectId = project == null || project.isBlank() ? null : ProjectId.of(project);
        // an unknown or malformed id is refused as not enabled, naming the enabled providers
        ProviderId providerId = projectId == null || provider == null || provider.isBlank() ? null
                : providers.get(provider).id();
        return register(id, providerId, credentials, projectId, labels);
    }

    /**
     * Asks the account's provider whether its credentials are accepted.
     *
     * @param name the account's name
     * @throws NoSuchServiceAccountException when no account has that name
     * @throws CredentialsRejectedException when the provider refuses the credentials
     * @throws BillingException for any other failure
     */
    public void verify(ServiceAccountId name) {
        ServiceAccount account = get(name);
        providers.get(account.provider()).verify(account);
    }

    /**
     * @param name an account's name
     * @return the account
     * @throws NoSuchServiceAccountException when no account has that name
     */
    public ServiceAccount get(ServiceAccountId name) {
        return find(name).orElseThrow(() -> new NoSuchServiceAccountException(name.value()));
    }

    /**
     * @param name an account's name
     * @return the account, if registered
     */
    public Optional<ServiceAccount> find(ServiceAccountId name) {
        return store.find(Objects.requireNonNull(name, "name"));
    }

    /**
     * @param name an account's name
     * @return whether an account was removed
     */
    public boolean remove(ServiceAccountId name) {
        return store.remove(Objects.requireNonNull(name, "name"));
    }

    /**
     * @param name an account's name, as text
     * @throws InvalidRequestException when the name is malformed
     * @see #verify(ServiceAccountId)
     */
    public void verify(String name) {
        verify(ServiceAccountId.of(name));
    }

    /**
     * @param name an account's name, as text
     * @return the account
     * @throws InvalidRequestException when the name is malformed
     * @throws NoSuchServiceAccountException when no account has that name
     */
    public ServiceAccount get(String name) {
        return get(ServiceAccountId.of(name));
    }

    /**
     * @param name an account's name, as text
     * @return the account, if registered
     * @throws InvalidRequestException when the name is malformed
     */
    public Optional<ServiceAccount> find(String name) {
        return find(ServiceAccountId.of(name));
    }

    /**
     * @param name an account's name, as text
     * @return whether an account was removed
     * @throws InvalidRequestException when the name is malformed
     */
    public boolean remove(String name) {
        return remove(ServiceAccountId.of(name));
    }

    /** @return every account, in registration order */
    public List<ServiceAccount> list() {
        return store.list();
    }

    /**
     * @param query a query
     * @return the accounts whose project, name and provider the query's filters accept, in registration order
     * @throws InvalidRequestException when the query names a project or service account that is not registered
     */
    public List<ServiceAccount> inScope(CostQuery query) {
        List<ServiceAccount> all = store.list();
        requireRegistered(query, Dimension.PROJECT, all.stream().map(a -> a.project().value()), "project");
        requireRegistered(query, Dimension.SERVICE_ACCOUNT, all.stream().map(ServiceAccount::name), "service account");
        return all.stream()
                .filter(a -> query.accepts(Dimension.PROJECT, a.project().value())
                        && query.accepts(Dimension.SERVICE_ACCOUNT, a.name())
                        && query.accepts(Dimension.PROVIDER, a.provider().value()))
                .toList();
    }

    /** A filter naming a project or service account nobody registered is a typo, never a report over nothing. */
    private static void requireRegistered(CostQuery query, Dimension d, Stream<String> registered, String what) {
        Set<String> wanted = query.filters().get(d);
        if (wanted == null) {
            return;
        }
        Set<String> known = registered.collect(Collectors.toCollection(TreeSet::new));
        List<String> unknown = wanted.stream().filter(v -> !known.contains(v)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new InvalidRequestException("no service account is registered for " + what + " "
                    + unknown.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", ")) + "; registered: "
                    + (known.isEmpty() ? "none" : String.join(", ", known)));
        }
    }

    /**
     * @param project a project id
     * @return the accounts of that project, in registration order
     */
    public List<ServiceAccount> listByProject(ProjectId project) {
        Objects.requireNonNull(project, "project");
        return store.list().stream().filter(a -> a.project().equals(project)).toList();
    }

    /**
     * @param project a project id, as text
     * @return {@link #listByProject(ProjectId) listByProject(ProjectId.of(project))}
     * @throws InvalidRequestException when the id is malformed
     */
    public List<ServiceAccount> listByProject(String project) {
        return listByProject(ProjectId.of(project));
    }
}
