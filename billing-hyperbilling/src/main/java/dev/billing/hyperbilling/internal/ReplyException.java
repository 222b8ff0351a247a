package dev.billing.hyperbilling.internal;

/**
 * An answer the client cannot use: malformed JSON, or an {@code errorCode} in a success answer.
 * Mapped to a {@link dev.billing.core.ProviderProtocolException} with the request's context.
 */
final class ReplyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReplyException(String message, Throwable cause) {
        super(message, cause);
    }
}
