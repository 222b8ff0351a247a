package dev.billing.testkit.internal.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verifier against AWS's published SigV4 test suite vector "get-vanilla", and tampered variants. */
class SigV4Test {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String AUTH = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
            + " SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    private static final Instant NOW = Instant.parse("2015-08-30T12:40:00Z");
    private static final Map<String, List<String>> HEADERS = Map.of("host", List.of("example.amazonaws.com"),
            "x-amz-date", List.of("20150830T123600Z"));

    private static SigV4.Refusal verify(String secret, String body, Map<String, List<String>> headers, String region, Instant now) {
        SigV4.Authorization auth = SigV4.Authorization.parse(AUTH);
        return SigV4.verify("GET", "/", null, headers::get, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), auth, secret,
                region, "service", now);
    }

    @Test
    void getVanilla_isAccepted() {
        SigV4.Authorization auth = SigV4.Authorization.parse(AUTH);
        assertThat(auth.accessKeyId()).isEqualTo("AKIDEXAMPLE");
        assertThat(auth.signedHeaders()).containsExactly("host", "x-amz-date");
        assertThat(verify(SECRET, "", HEADERS, "us-east-1", NOW)).isNull();
    }

    @Test
    void aWrongSecretABodyOrAHeaderChange_areRefusedAsInvalidSignature() {
        assertThat(verify(SECRET + "x", "", HEADERS, "us-east-1", NOW).code()).isEqualTo("InvalidSignatureException");
        assertThat(verify(SECRET, "{}", HEADERS, "us-east-1", NOW).code()).isEqualTo("InvalidSignatureException");
        assertThat(verify(SECRET, "", Map.of("host", List.of("evil.example.com"), "x-amz-date", List.of("20150830T123600Z")),
                "us-east-1", NOW).code()).isEqualTo("InvalidSignatureException");
    }

    @Test
    void anotherRegionOrAnOldSignature_areRefused() {
        assertThat(verify(SECRET, "", HEADERS, "eu-west-1", NOW).message()).contains("region");
        assertThat(verify(SECRET, "", HEADERS, "us-east-1", NOW.plusSeconds(3600)).message()).contains("Signature expired");
    }

    @Test
    void malformedAuthorization_isNotParsed() {
        assertThat(SigV4.Authorization.parse("Bearer x")).isNull();
        assertThat(SigV4.Authorization.parse("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service")).isNull();
    }
}
