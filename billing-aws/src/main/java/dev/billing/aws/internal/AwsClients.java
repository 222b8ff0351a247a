package dev.billing.aws.internal;

import dev.billing.core.spi.Cancellation;
import dev.billing.provider.RetryPolicy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.costexplorer.CostExplorerClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.auth.StsWebIdentityTokenFileCredentialsProvider;

/**
 * Builds the SDK clients: one HTTP client (url-connection-client) shared by the provider, a Cost
 * Explorer client per fetch (with its own request counter), and one refreshing STS assume-role
 * credentials provider per (service account, key, role), kept until the provider is closed.
 */
final class AwsClients implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AwsClients.class);

    /** Error codes retried as throttling; Cost Explorer's own is {@code LimitExceededException} (HTTP 400). */
    static final java.util.Set<String> THROTTLING = java.util.Set.of("LimitExceededException", "ThrottlingException",
            "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottledException");

    private final Settings settings;
    private final SdkHttpClient http;
    private final Map<String, StsSession> roles = new ConcurrentHashMap<>();
    private AwsCredentialsProvider defaultChain;

    AwsClients(Settings settings) {
        this.settings = settings;
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(settings.http().connectTimeout())
                .socketTimeout(settings.http().requestTimeout())
                .build();
    }

    /**
     * @param keys the account's keys
     * @param counter counts every HTTP attempt the client sends
     * @param retries hears each retry's wait
     * @return a client for one fetch; the caller closes it (the shared HTTP client stays open)
     */
    CostExplorerClient costExplorer(Keys keys, AtomicInteger counter, Cancellation retries) {
        var b = CostExplorerClient.builder()
                .httpClient(http)
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(keys))
                .overrideConfiguration(override(counter, retries));
        if (settings.endpoint() != null) {
            b.endpointOverride(settings.endpoint());
        }
        return b.build();
    }

    private ClientOverrideConfiguration override(AtomicInteger counter, Cancellation retries) {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(retryStrategy(settings.http().retryPolicy(), retries))
                .apiCallAttemptTimeout(settings.http().requestTimeout())
                .addExecutionInterceptor(new Counting(counter))
                .build();
    }

    /**
     * The SDK's standard strategy without its client defaults, with our conditions: throttling codes
     * (including Cost Explorer's {@code LimitExceededException}, which the SDK's defaults do not
     * treat as throttling), HTTP 5xx and I/O failures. Nothing else is retried: credential errors never.
     * The SDK asks for a backoff only once it has decided to retry, so each wait is reported to {@code
     * retries}, throttled when the strategy classed the failure as throttling.
     */
    static RetryStrategy retryStrategy(RetryPolicy policy, Cancellation retries) {
        Predicate<Throwable> throttled = AwsClients::isThrottling;
        return DefaultRetryStrategy.standardStrategyBuilder()
                .useClientDefaults(false)
                .maxAttempts(policy.maxAttempts())
                .backoffStrategy(backoff(policy, retries, false))
                .throttlingBackoffStrategy(backoff(policy, retries, true))
                .circuitBreakerEnabled(false)
                .treatAsThrottling(throttled)
                .retryOnException(throttled)
                .retryOnException(AwsClients::isTransient)
                .build();
    }

    /** The SDK's attempt 1 is the first retry; RetryPolicy.delay is the one backoff and jitter rule of every provider. */
    private static BackoffStrategy backoff(RetryPolicy policy, Cancellation retries, boolean throttled) {
        return retry -> {
            Duration wait = policy.delay(retry, null, ThreadLocalRandom.current().nextDouble());
            retries.retrying(wait, throttled);
            return wait;
        };
    }

    static boolean isThrottling(Throwable t) {
        return t instanceof AwsServiceException e && (e.statusCode() == 429
                || (e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                        && THROTTLING.contains(e.awsErrorDetails().errorCode())));
    }

    static boolean isTransient(Throwable t) {
        if (t instanceof AwsServiceException e) {
            return e.statusCode() >= 500 && e.statusCode() <= 599;
        }
        if (t instanceof SdkClientException && !isUnreadable(t)) {
            for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
                if (c instanceof java.io.IOException) {
                    return true;
                }
            }
        }
        return false;
    }

    /** @return whether the SDK could not read (unmarshall) an answer: a protocol error, not retried */
    static boolean isUnreadable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getClass().getName().endsWith("JsonParseException") || c.getClass().getName().endsWith("JsonProcessingException")
                    || (c.getMessage() != null && c.getMessage().startsWith("Unable to unmarshall response"))) {
                return true;
            }
        }
        return false;
    }

    private AwsCredentialsProvider credentials(Keys keys) {
        AwsCredentialsProvider base;
        String identity;
        if (keys.accessKeyId().isPresent()) {
            String id = keys.accessKeyId().get();
            String secret = keys.secretAccessKey().orElseThrow();
            base = StaticCredentialsProvider.create(keys.sessionToken().isPresent()
                    ? AwsSessionCredentials.create(id, secret, keys.sessionToken().get())
                    : AwsBasicCredentials.create(id, secret));
            identity = id + "\n" + sha256(secret + "\n" + keys.sessionToken().orElse(""));
        } else {
            base = defaultChain();
            identity = "(default chain)";
        }
        if (keys.roleArn().isEmpty()) {
            return base;
        }
        String cacheKey = keys.serviceAccount() + "\n" + identity + "\n" + keys.roleArn().get() + "\n"
                + keys.externalId().orElse("");
        AwsCredentialsProvider caller = base;
        return roles.computeIfAbsent(cacheKey, k -> assumeRole(keys, caller)).provider;
    }

    /**
     * The AWS SDK's default credential chain, in the SDK's order: system properties ({@code aws.accessKeyId}...),
     * environment ({@code AWS_ACCESS_KEY_ID}...), web identity ({@code AWS_WEB_IDENTITY_TOKEN_FILE} + {@code AWS_ROLE_ARN},
     * EKS IRSA: assumed with this provider's STS client, so {@code stsEndpoint} applies), the shared profile files,
     * container credentials ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} / {@code _RELATIVE_URI}, ECS and EKS Pod
     * Identity) and the EC2 instance profile (IMDS). One chain per provider; it caches and refreshes what it finds.
     */
    private synchronized AwsCredentialsProvider defaultChain() {
        if (defaultChain == null) {
            defaultChain = AwsCredentialsProviderChain.builder().reuseLastProviderEnabled(true).credentialsProviders(
                    SystemPropertyCredentialsProvider.create(),
                    EnvironmentVariableCredentialsProvider.create(),
                    new WebIdentity(),
                    ProfileCredentialsProvider.create(),
                    ContainerCredentialsProvider.builder().build(),
                    InstanceProfileCredentialsProvider.create()).build();
        }
        return defaultChain;
    }

    /** Web identity when {@code AWS_WEB_IDENTITY_TOKEN_FILE} and {@code AWS_ROLE_ARN} are set; otherwise the chain moves on. */
    private final class WebIdentity implements AwsCredentialsProvider, AutoCloseable {
        private StsClient client;
        private StsWebIdentityTokenFileCredentialsProvider provider;

        @Override
        public synchronized AwsCredentials resolveCredentials() {
            if (provider == null) {
                if (SdkSystemSetting.AWS_WEB_IDENTITY_TOKEN_FILE.getStringValue().isEmpty()
                        || SdkSystemSetting.AWS_ROLE_ARN.getStringValue().isEmpty()) {
                    throw SdkClientException.create("web identity is not configured (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)");
                }
                client = sts(AnonymousCredentialsProvider.create());
                provider = StsWebIdentityTokenFileCredentialsProvider.builder().stsClient(client)
                        .asyncCredentialUpdateEnabled(false).build();
            }
            return provider.resolveCredentials();
        }

        @Override
        public synchronized void close() {
            if (provider != null) {
                provider.close();
                client.close();
            }
        }
    }

    private StsClient sts(AwsCredentialsProvider caller) {
        var sts = StsClient.builder()
                .httpClient(http)
                .region(Region.of(settings.region()))
                .credentialsProvider(caller)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(retryStrategy(settings.http().retryPolicy(), Cancellation.NONE))
                        .apiCallAttemptTimeout(settings.http().requestTimeout())
                        .build());
        if (settings.stsEndpoint() != null) {
            sts.endpointOverride(settings.stsEndpoint());
        }
        return sts.build();
    }

    private StsSession assumeRole(Keys keys, AwsCredentialsProvider base) {
        StsClient client = sts(base);
        StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder()
                .stsClient(client)
                .asyncCredentialUpdateEnabled(false)
                .refreshRequest(r -> {
                    r.roleArn(keys.roleArn().get()).roleSessionName("billing-sdk");
                    keys.externalId().ifPresent(r::externalId);
                })
                .build();
        LOG.debug("assuming role {} for service account {}", keys.roleArn().get(), keys.serviceAccount());
        return new StsSession(client, provider);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        roles.values().forEach(StsSession::close);
        roles.clear();
        synchronized (this) {
            if (defaultChain instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing the default credential chain failed: {}", e.getClass().getSimpleName());
                }
            }
        }
        http.close();
    }

    /**
     * A service account's AWS keys (secrets never printed); without keys, the default chain's.
     *
     * @param serviceAccount the service account's name
     * @param accessKeyId the access key id; empty: the SDK's default credential chain
     * @param secretAccessKey the secret access key, present exactly when the key id is
     * @param sessionToken the session token of temporary keys
     * @param roleArn the role to assume
     * @param externalId the external id the role's trust policy asks for
     */
    record Keys(String serviceAccount, Optional<String> accessKeyId, Optional<String> secretAccessKey,
            Optional<String> sessionToken, Optional<String> roleArn, Optional<String> externalId) {
        @Override
        public String toString() {
            return "Keys[" + serviceAccount + ", accessKeyId=" + accessKeyId.orElse("(default chain)") + ", roleArn="
                    + roleArn.orElse("(none)") + "]";
        }
    }

    private record StsSession(StsClient client, StsAssumeRoleCredentialsProvider provider) {
        void close() {
            provider.close();
            client.close();
        }
    }

    /** Counts attempts and logs each at DEBUG: operation, status, attempt, duration; never a header. */
    private static final class Counting implements ExecutionInterceptor {
        private final AtomicInteger counter;
        private final ThreadLocal<long[]> started = ThreadLocal.withInitial(() -> new long[1]);
        private final AtomicInteger attempt = new AtomicInteger();

        Counting(AtomicInteger counter) {
            this.counter = counter;
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            attempt.set(0);
        }

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            counter.incrementAndGet();
            attempt.incrementAndGet();
            started.get()[0] = System.nanoTime();
        }

        @Override
        public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} -> {} (attempt {}, {} ms)", attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                        context.httpResponse().statusCode(), attempt.get(), (System.nanoTime() - started.get()[0]) / 1_000_000);
            }
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            if (LOG.isDebugEnabled()) {
                Throwable e = context.exception();
                String what = e instanceof AwsServiceException ase && ase.awsErrorDetails() != null
                        ? ase.statusCode() + " " + ase.awsErrorDetails().errorCode() : e.getClass().getSimpleName();
                LOG.debug("{} failed: {} after {} attempt(s)", attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                        what, attempt.get());
            }
        }
    }

    /** @return the endpoint, for messages */
    URI endpoint() {
        return settings.endpoint();
    }
}
