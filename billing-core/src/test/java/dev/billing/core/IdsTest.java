package dev.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.support.Bounds;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IdsTest {

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("project", (Function<String, Object>) ProjectId::of),
                Arguments.of("service account name", (Function<String, Object>) ServiceAccountId::of),
                Arguments.of("provider id", (Function<String, Object>) ProviderId::of));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void validIds_areKeptAsGiven(String kind, Function<String, Object> of) {
        for (String v : new String[] {"a", "9", "prod-aws_1.eu:west", "x".repeat(128)}) {
            assertThat(of.apply(v)).hasToString(v);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void missingIds_sayWhatIsMissing(String kind, Function<String, Object> of) {
        for (String v : new String[] {null, "", "   "}) {
            assertThatThrownBy(() -> of.apply(v))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage(kind + " is missing: give a non-blank " + kind);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void malformedIds_sayWhichCharactersAreAllowed(String kind, Function<String, Object> of) {
        for (String v : new String[] {"-leading-dash", "has space", "slash/no", "ü", "x".repeat(129)}) {
            assertThatThrownBy(() -> of.apply(v))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessage(kind + " '" + Bounds.echo(v) + "' is not valid: use 1 to 128 letters, digits, '.', '_', ':' or '-',"
                            + " starting with a letter or digit");
        }
    }

    @Test
    void ids_compareByValue() {
        assertThat(ProjectId.of("a")).isLessThan(ProjectId.of("b")).isEqualTo(ProjectId.of("a"));
        assertThat(ServiceAccountId.of("a")).isLessThan(ServiceAccountId.of("b"));
        assertThat(ProviderId.of("a")).isLessThan(ProviderId.of("b"));
    }
}
