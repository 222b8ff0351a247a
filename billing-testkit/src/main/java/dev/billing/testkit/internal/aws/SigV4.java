package dev.billing.testkit.internal.aws;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies AWS Signature Version 4 ({@code AWS4-HMAC-SHA256} in the {@code Authorization} header), with the
 * JDK's HMAC-SHA256 and SHA-256 only: canonical request (method, URI, query, signed headers, payload hash),
 * string to sign, signing key derived from the secret, date, region and service.
 */
public final class SigV4 {
    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    private SigV4() {
    }

    /**
     * A refused signature: the JSON 1.1 error code and message to answer.
     *
     * @param code the error type, for example {@code InvalidSignatureException}
     * @param message the message
     */
    public record Refusal(String code, String message) {
    }

    /**
     * The parsed {@code Authorization} header.
     *
     * @param accessKeyId the key id of the credential scope
     * @param date the scope's date ({@code yyyyMMdd})
     * @param region the scope's region
     * @param service the scope's service
     * @param signedHeaders the signed header names, lowercase, in order
     * @param signature the hex signature
     */
    public record Authorization(String accessKeyId, String date, String region, String service, List<String> signedHeaders,
            String signature) {

        /**
         * @param header the header's value
         * @return the parts, or {@code null} when malformed
         */
        public static Authorization parse(String header) {
            if (header == null || !header.startsWith(ALGORITHM + " ")) {
                return null;
            }
            Map<String, String> parts = new TreeMap<>();
            for (String p : header.substring(ALGORITHM.length() + 1).split(",")) {
                int eq = p.indexOf('=');
                if (eq < 0) {
                    return null;
                }
                parts.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
            }
            String credential = parts.get("Credential");
            String signed = parts.get("SignedHeaders");
            String signature = parts.get("Signature");
            if (credential == null || signed == null || signature == null) {
                return null;
            }
            String[] scope = credential.split("/", -1);
            if (scope.length != 5 || !scope[4].equals("aws4_request")) {
                return null;
            }
            return new Authorization(scope[0], scope[1], scope[2], scope[3], List.of(signed.split(";")), signature);
        }
    }

    /**
     * @param method the HTTP method
     * @param rawPath the request's raw path
     * @param rawQuery the raw query, or {@code null}
     * @param headers the request's headers by lowercase name
     * @param body the body
     * @param auth the parsed authorization
     * @param secretAccessKey the secret of {@code auth.accessKeyId()}
     * @param expectedRegion the region the scope must name
     * @param expectedService the service the scope must name
     * @param now the current time
     * @return {@code null} when the signature is valid, else why not
     */
    public static Refusal verify(String method, String rawPath, String rawQuery, Function<String, List<String>> headers,
            byte[] body, Authorization auth, String secretAccessKey, String expectedRegion, String expectedService, Instant now) {
        List<String> amzDates = headers.apply("x-amz-date");
        if (amzDates == null || amzDates.isEmpty()) {
            return new Refusal("IncompleteSignatureException", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        String amzDate = amzDates.get(0).trim();
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            return new Refusal("IncompleteSignatureException", "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        }
        if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
            return new Refusal("InvalidSignatureException", "Signature expired: " + amzDate + " is now earlier or later than"
                    + " 15 minutes from the server's time.");
        }
        if (!amzDate.startsWith(auth.date())) {
            return new Refusal("InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP");
        }
        if (!auth.service().equals(expectedService)) {
            return new Refusal("InvalidSignatureException", "Credential should be scoped to correct service: '" + expectedService + "'.");
        }
        if (!auth.region().equals(expectedRegion)) {
            return new Refusal("InvalidSignatureException", "Credential should be scoped to a valid region.");
        }
        if (!auth.signedHeaders().contains("host")) {
            return new Refusal("InvalidSignatureException", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }
        StringBuilder canonical = new StringBuilder();
        canonical.append(method).append('\n');
        canonical.append(rawPath == null || rawPath.isEmpty() ? "/" : rawPath).append('\n');
        canonical.append(canonicalQuery(rawQuery)).append('\n');
        for (String name : auth.signedHeaders()) {
            List<String> values = headers.apply(name);
            if (values == null) {
                return new Refusal("InvalidSignatureException", "The request signature we calculated does not match the signature"
                        + " you provided. Check your AWS Secret Access Key and signing method.");
            }
            List<String> trimmed = new ArrayList<>();
            values.forEach(v -> trimmed.add(v.trim().replaceAll("\\s+", " ")));
            canonical.append(name).append(':').append(String.join(",", trimmed)).append('\n');
        }
        canonical.append('\n');
        canonical.append(String.join(";", auth.signedHeaders())).append('\n');
        String payloadHash = hex(sha256(body));
        List<String> contentSha = headers.apply("x-amz-content-sha256");
        if (contentSha != null && !contentSha.isEmpty() && !contentSha.get(0).equals(payloadHash)) {
            return new Refusal("InvalidSignatureException", "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        canonical.append(payloadHash);
        String scope = auth.date() + "/" + auth.region() + "/" + auth.service() + "/aws4_request";
        String toSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), auth.date());
        key = hmac(key, auth.region());
        key = hmac(key, auth.service());
        key = hmac(key, "aws4_request");
        byte[] expected = hmac(key, toSign);
        byte[] given;
        try {
            given = HexFormat.of().parseHex(auth.signature().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            given = new byte[0];
        }
        if (!MessageDigest.isEqual(expected, given)) {
            return new Refusal("InvalidSignatureException", "The request signature we calculated does not match the signature"
                    + " you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        }
        return null;
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String> pairs = new ArrayList<>(List.of(rawQuery.split("&")));
        pairs.replaceAll(p -> p.contains("=") ? p : p + "=");
        pairs.sort(null);
        return String.join("&", pairs);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
