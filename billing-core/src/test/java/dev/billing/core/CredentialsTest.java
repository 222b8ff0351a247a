package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialsTest {
    private static final String KEY = "S3cretKeyValue000111";

    private static Credentials creds(String... nameValue) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.put(nameValue[i], nameValue[i + 1]);
        }
        return Credentials.of(m);
    }

    private static InvalidCredentialsException rejected(Credentials c) {
        return catchThrowableOfType(InvalidCredentialsException.class,
                () -> TestProvider.SCHEMA.validate(c, "prod", "test-cloud"));
    }

    @Test
    void toString_showsFieldNamesAndMasksEveryValue() {
        Credentials c = creds("account", "123456789012", "email", "ops@example.com", "key", KEY);

        assertThat(c).hasToString("Credentials[account=***, email=***, key=***]");
        assertThat(c.fields()).containsExactly("account", "email", "key");
        assertThat(c.get("key")).contains(KEY);
        assertThat(c.get("nope")).isEmpty();
    }

    @Test
    void equals_comparesValuesWithoutShowingThem() {
        Credentials a = creds("key", KEY);

        assertThat(a).isEqualTo(creds("key", KEY)).hasSameHashCodeAs(creds("key", KEY));
        assertThat(a).isNotEqualTo(creds("key", KEY + "x"));
    }

    @Test
    void of_copiesTheMapAndRejectsNullValuesNamingTheField() {
        Map<String, String> m = new HashMap<>(Map.of("key", KEY));
        Credentials c = Credentials.of(m);
        m.put("key", "changed");

        assertThat(c.get("key")).contains(KEY);
        Map<String, String> withNull = new HashMap<>();
        withNull.put("email", null);
        assertThatThrownBy(() -> Credentials.of(withNull)).hasMessage("value of credential 'email'");
    }

    @Test
    void validate_validCredentials_passWithOptionalFieldLeftOut() {
        assertThatNoException().isThrownBy(() -> TestProvider.SCHEMA.validate(TestProvider.credentials(KEY), "prod",
                "test-cloud"));
        assertThatNoException().isThrownBy(() -> TestProvider.SCHEMA.validate(creds("account", "123456789012",
                "email", "a@b", "key", KEY, "region", "eu"), "prod", "test-cloud"));
        assertThatThrownBy(() -> TestProvider.SCHEMA.validate(creds("account", "123456789012", "key", KEY), "prod",
                "test-cloud")).as("the same schema refuses a missing required field")
                .isInstanceOf(InvalidCredentialsException.class).hasMessageContaining("email");
    }

    @Test
    void validate_missingRequiredField_namesFieldLabelAndEveryNeededField() {
        InvalidCredentialsException e = rejected(creds("account", "123456789012", "key", KEY));

        assertThat(e).hasMessage("service account 'prod': credential 'email' (e-mail) is missing;"
                + " test-cloud needs account, email, key, region");
        assertThat(e.field()).isEqualTo("email");
        assertThat(e.serviceAccount()).contains("prod");
        assertThat(e).isInstanceOf(InvalidRequestException.class);
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void validate_unknownField_namesItAndTheExpectedOnes() {
        InvalidCredentialsException e = rejected(creds("account", "123456789012", "email", "a@b", "key", KEY,
                "secret_key", KEY));

        assertThat(e).hasMessage("service account 'prod': unknown credential 'secret_key' for test-cloud;"
                + " expected account, email, key, region");
        assertThat(e.field()).isEqualTo("secret_key");
        assertThat(e.getMessage()).doesNotContain(KEY);
    }

    @Test
    void validate_malformedNonSecret_echoesTheValueAndSaysWhatItMustBe() {
        InvalidCredentialsException e = rejected(creds("account", "12345", "email", "a@b", "key", KEY));

        assertThat(e).hasMessage("service account 'prod': credential 'account' (account id) must be exactly 12 digits,"
                + " got '12345'");
        assertThat(e.field()).isEqualTo("account");
    }

    @Test
    void validate_malformedByPredicate_usesTheRequirement() {
        InvalidCredentialsException e = rejected(creds("account", "123456789012", "email", "nobody", "key", KEY));

        assertThat(e).hasMessage("service account 'prod': credential 'email' (e-mail) must be an e-mail address,"
                + " got 'nobody'");
    }

    @Test
    void validate_malformedSecret_neverEchoesTheValue() {
        String badKey = "short-but-secret!";
        InvalidCredentialsException e = rejected(creds("account", "123456789012", "email", "a@b", "key", badKey));

        assertThat(e).hasMessage("service account 'prod': credential 'key' (API key) must be at least 16 letters"
                + " or digits");
        assertThat(e.getMessage()).doesNotContain(badKey);
        assertThat(e.toString()).doesNotContain(badKey);
    }

    @Test
    void validate_blankSecret_failsTheDefaultRule() {
        CredentialSchema schema = CredentialSchema.of(CredentialField.secret("key", "API key"));

        assertThat(catchThrowableOfType(InvalidCredentialsException.class,
                () -> schema.validate(creds("key", "   "), "prod", "x")))
                .hasMessage("service account 'prod': credential 'key' (API key) must be non-blank");
    }

    @Test
    void schema_describesItsFields() {
        CredentialField key = TestProvider.SCHEMA.field("key").orElseThrow();

        assertThat(key.secret()).isTrue();
        assertThat(key.required()).isTrue();
        assertThat(key.label()).isEqualTo("API key");
        assertThat(key.requirement()).isEqualTo("be at least 16 letters or digits");
        assertThat(key).hasToString("key (secret)");
        assertThat(TestProvider.SCHEMA.field("region").orElseThrow()).hasToString("region (optional)");
        assertThat(TestProvider.SCHEMA.field("nope")).isEmpty();
    }
}
