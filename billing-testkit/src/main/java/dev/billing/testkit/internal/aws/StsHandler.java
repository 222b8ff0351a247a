package dev.billing.testkit.internal.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.billing.testkit.AwsCostExplorerSimulator.Account;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Serves AWS STS's {@code AssumeRoleWithWebIdentity} (the AWS query protocol: a form-encoded {@code POST}, an XML
 * answer), as the STS API reference defines it (AWS Security Token Service API Reference, API version 2011-06-15,
 * "AssumeRoleWithWebIdentity"; the service model boto/botocore {@code botocore/data/sts/2011-06-15/service-2.json} at 0e6e2404b85dc336dd2889814e089bde7d1a4c55):
 * <ul>
 *   <li>the request is not signed ("you don't need to use AWS security credentials to call it": the web identity
 *       token is the proof);</li>
 *   <li>required parameters {@code RoleArn} (20 to 2048 characters), {@code RoleSessionName} (2 to 64 of
 *       {@code [\w+=,.@-]}) and {@code WebIdentityToken} (4 to 20000 characters); {@code DurationSeconds} from 900 to
 *       43200; a missing or malformed one is HTTP 400 {@code ValidationError};</li>
 *   <li>a token the identity provider did not issue for that role is HTTP 400 {@code InvalidIdentityToken};</li>
 *   <li>the answer holds {@code Credentials} ({@code AccessKeyId}, {@code SecretAccessKey}, {@code SessionToken},
 *       {@code Expiration}), {@code AssumedRoleUser} and {@code SubjectFromWebIdentityToken}.</li>
 * </ul>
 */
public final class StsHandler implements HttpHandler {
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final int MAX_BODY = 1 << 16;

    private final CostExplorerState state;

    /** @param state the accounts the web identity roles hand out */
    public StsHandler(CostExplorerState state) {
        this.state = state;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        state.countStsRequest();
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            Map<String, String> form = form(new String(body, StandardCharsets.UTF_8));
            String contentType = ex.getRequestHeaders().getFirst("Content-Type");
            if (!ex.getRequestMethod().equals("POST") || contentType == null
                    || !contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                error(ex, 400, "InvalidAction", "only form-encoded POST requests are served");
                return;
            }
            if (!"AssumeRoleWithWebIdentity".equals(form.get("Action")) || !"2011-06-15".equals(form.get("Version"))) {
                error(ex, 400, "InvalidAction", "Could not find operation " + form.get("Action") + " for version "
                        + form.get("Version"));
                return;
            }
            String roleArn = form.get("RoleArn");
            String session = form.get("RoleSessionName");
            String token = form.get("WebIdentityToken");
            String duration = form.get("DurationSeconds");
            if (roleArn == null || roleArn.length() < 20 || roleArn.length() > 2048) {
                error(ex, 400, "ValidationError", "1 validation error detected: Value at 'roleArn' failed to satisfy constraint");
                return;
            }
            if (session == null || !SESSION_NAME.matcher(session).matches()) {
                error(ex, 400, "ValidationError", "1 validation error detected: Value at 'roleSessionName' failed to satisfy"
                        + " constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
                return;
            }
            if (token == null || token.length() < 4 || token.length() > 20000) {
                error(ex, 400, "ValidationError", "1 validation error detected: Value at 'webIdentityToken' failed to satisfy"
                        + " constraint");
                return;
            }
            long seconds = 3600;
            if (duration != null) {
                try {
                    seconds = Long.parseLong(duration);
                } catch (NumberFormatException e) {
                    seconds = -1;
                }
                if (seconds < 900 || seconds > 43200) {
                    error(ex, 400, "ValidationError", "1 validation error detected: Value at 'durationSeconds' failed to"
                            + " satisfy constraint");
                    return;
                }
            }
            Account granted = state.webIdentity(roleArn, token);
            if (granted == null) {
                error(ex, 400, "InvalidIdentityToken", "The web identity token that was passed could not be validated by AWS."
                        + " Get a new identity token from the identity provider and then retry the request.");
                return;
            }
            Instant expires = state.clock().instant().plus(Duration.ofSeconds(seconds)).truncatedTo(ChronoUnit.SECONDS);
            String xml = "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                    + "<AssumeRoleWithWebIdentityResult>"
                    + "<SubjectFromWebIdentityToken>system:serviceaccount:billing:reader</SubjectFromWebIdentityToken>"
                    + "<Audience>sts.amazonaws.com</Audience>"
                    + "<AssumedRoleUser><Arn>" + roleArn.replace(":role/", ":assumed-role/").replace(":iam:", ":sts:") + "/" + session
                    + "</Arn><AssumedRoleId>AROASIMULATOR:" + session + "</AssumedRoleId></AssumedRoleUser>"
                    + "<Credentials><SessionToken>" + granted.sessionToken() + "</SessionToken><SecretAccessKey>"
                    + granted.secretAccessKey() + "</SecretAccessKey><Expiration>" + expires + "</Expiration><AccessKeyId>"
                    + granted.accessKeyId() + "</AccessKeyId></Credentials>"
                    + "<Provider>oidc.simulator.local</Provider>"
                    + "</AssumeRoleWithWebIdentityResult>"
                    + "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>"
                    + "</AssumeRoleWithWebIdentityResponse>";
            send(ex, 200, xml);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        send(ex, status, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>"
                + code + "</Code><Message>" + message.replace("&", "&amp;").replace("<", "&lt;") + "</Message></Error>"
                + "<RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>");
    }

    private static void send(HttpExchange ex, int status, String xml) throws IOException {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/xml");
        ex.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
