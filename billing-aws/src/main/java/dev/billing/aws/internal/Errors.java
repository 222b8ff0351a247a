package dev.billing.aws.internal;

import dev.billing.core.BillingException;
import dev.billing.core.CredentialsRejectedException;
import dev.billing.core.InvalidRequestException;
import dev.billing.core.ProviderProtocolException;
import dev.billing.core.ProviderUnavailableException;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Maps Cost Explorer's error codes (the JSON 1.1 {@code __type} / {@code x-amzn-ErrorType}) to the SDK's
 * exception types. Messages name the service account and the code, never a key or a signature.
 *
 * <p>The errors {@code GetCostAndUsage} declares in the service model (boto/botocore,
 * botocore/data/ce/2017-10-25/service-2.json at 0e6e2404b85dc336dd2889814e089bde7d1a4c55):
 * {@code LimitExceededException} (throttled), {@code BillExpirationException}, {@code DataUnavailableException},
 * {@code InvalidNextTokenException}, {@code RequestChangedException}, {@code ResourceNotFoundException}
 * ("the specified ARN in the request doesn't exist") and {@code BillingViewHealthStatusException} ("the billing
 * view status must be HEALTHY"); each has its mapping here ({@code DataUnavailableException} in {@link #noData}).
 */
final class Errors {
    static final Set<String> CREDENTIALS = Set.of("UnrecognizedClientException", "InvalidSignatureException",
            "AccessDeniedException", "AccessDenied", "IncompleteSignature", "InvalidClientTokenId", "MissingAuthenticationToken",
            "ExpiredTokenException", "ExpiredToken", "SignatureDoesNotMatch", "AuthFailure", "NotAuthorized",
            "UnauthorizedOperation", "RegionDisabledException");

    private Errors() {
    }

    /** {@code ValidationException}: the endpoint refused the request's shape. */
    static final class Validation extends InvalidRequestException {
        private static final long serialVersionUID = 1L;

        Validation(String message, String account, int status) {
            super(message, account, status, null);
        }
    }

    static BillingException map(String account, int status, String code, Throwable cause) {
        String p = CostExplorerFetcher.PROVIDER;
        if (CREDENTIALS.contains(code) || status == 401 || status == 403) {
            return new CredentialsRejectedException("credentials of service account '" + account + "' rejected by " + p
                    + " (" + (code.isEmpty() ? "HTTP " + status : code) + "); check the keys and that the IAM policy allows"
                    + " ce:GetCostAndUsage (and sts:AssumeRole for roleArn)", account, status);
        }
        if (AwsClients.THROTTLING.contains(code) || status == 429) {
            return CostExplorerFetcher.rateLimited(account);
        }
        switch (code) {
            case "BillExpirationException":
                return new InvalidRequestException(p + " no longer holds the asked period for service account '" + account
                        + "' (BillExpirationException): Cost Explorer keeps about 13 months of history (38 months of monthly"
                        + " data when enabled); ask for a later period", account, status, null);
            case "RequestChangedException":
                return new ProviderUnavailableException(p + " data changed while paging for service account '" + account
                        + "' (RequestChangedException); fetch again", account, status, null);
            case "InvalidNextTokenException":
                return new ProviderProtocolException(p + " refused its own NextPageToken for service account '" + account
                        + "' (InvalidNextTokenException); fetch again, and report it if it persists", account, status, null);
            case "ResourceNotFoundException":
                return new InvalidRequestException(p + " does not know a resource the request named for service account '"
                        + account + "' (ResourceNotFoundException: " + safe(cause) + ")", account, status, null);
            case "BillingViewHealthStatusException":
                return new ProviderUnavailableException(p + " cannot answer for service account '" + account
                        + "' while the billing view is not HEALTHY (BillingViewHealthStatusException); try again later",
                        account, status, null);
            case "DataUnavailableException":
                return noData(account, status);
            case "ValidationException":
                return new Validation(p + " refused the request for service account '" + account
                        + "' (" + code + "): " + safe(cause), account, status);
            case "SerializationException":
                return new InvalidRequestException(p + " refused the request for service account '" + account
                        + "' (" + code + "): " + safe(cause), account, status, null);
            default:
                break;
        }
        if (status >= 500) {
            return new ProviderUnavailableException(p + " failed for service account '" + account + "' (HTTP " + status
                    + (code.isEmpty() ? "" : ", " + code) + ") after the retries; try again later", account, status, null);
        }
        return new ProviderProtocolException(p + " answered HTTP " + status + (code.isEmpty() ? "" : " " + code)
                + " for service account '" + account + "'", account, status, null);
    }

    /**
     * {@code DataUnavailableException} where an answer is required ({@code verify}): Cost Explorer has no data
     * for these credentials at all, which a fetch reads as "no costs" but a check must not pass.
     */
    static BillingException noData(String account, int status) {
        return new ProviderUnavailableException(CostExplorerFetcher.PROVIDER + " has no cost data for service account '"
                + account + "' (DataUnavailableException): Cost Explorer is not enabled for the account, or was enabled"
                + " less than 24 hours ago; enable it in the Billing console and verify again later", account, status, null);
    }

    static BillingException client(String account, SdkException e) {
        if (AwsClients.isUnreadable(e)) {
            return new ProviderProtocolException(CostExplorerFetcher.PROVIDER + " sent an answer that is not the expected JSON"
                    + " for service account '" + account + "' (" + rootName(e) + ")", account, 200, null);
        }
        return new ProviderUnavailableException(CostExplorerFetcher.PROVIDER + " could not be reached for service account '"
                + account + "' (" + rootName(e) + ") after the retries; check the endpoint and the network", account, null);
    }

    private static String rootName(Throwable e) {
        Throwable t = e;
        for (int i = 0; i < 10 && t.getCause() != null; i++) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName();
    }

    /** The service's own message (it holds no secret), shortened. */
    private static String safe(Throwable cause) {
        if (cause instanceof software.amazon.awssdk.awscore.exception.AwsServiceException e && e.awsErrorDetails() != null
                && e.awsErrorDetails().errorMessage() != null) {
            String m = e.awsErrorDetails().errorMessage();
            return m.length() > 300 ? m.substring(0, 300) + "..." : m;
        }
        return "no message";
    }
}
