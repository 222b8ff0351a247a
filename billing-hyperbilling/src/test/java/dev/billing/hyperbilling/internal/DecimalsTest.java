package dev.billing.hyperbilling.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecimalsTest {

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "0.0", "-0.000", "1.50", "-1.5E-7", "1.5e+7", "12E3", "0.000000000000000000001",
            "123456789012345678", "1234567890123456789", "-99999999999999999999.99", "0.1234567890123456789",
            "1E999999999", "1e-999999999", "5E0000000001", "9223372036854775807", "-9223372036854775808"})
    void parse_ofJsonNumbers_equalsBigDecimalInValueAndScale(String text) {
        assertThat(parse(text)).isEqualTo(new BigDecimal(text));
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L, 20260126L, -42L})
    void parse_ofRandomNumbersInEveryNotation_equalsBigDecimalInValueAndScale(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 10_000; i++) {
            // 1 to 30 digits: either side of the 18 that take the fast path
            BigInteger unscaled = new BigInteger(1 + random.nextInt(100), new Random(random.nextLong()));
            BigDecimal value = new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), random.nextInt(-30, 30));
            String mantissa = value.unscaledValue().toString();
            String text = switch (random.nextInt(4)) {
                case 0 -> value.toPlainString();
                case 1 -> value.toString();
                case 2 -> mantissa + (random.nextBoolean() ? "e" : "E") + (-value.scale());
                default -> mantissa + "E+" + random.nextInt(20);
            };
            assertThat(parse(text)).as(text).isEqualTo(new BigDecimal(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1E9999999999", "1E-2147483649", "0.1E2147483648"})
    void parse_whenTheScaleOverflows_throwsNumberFormatExceptionLikeBigDecimal(String text) {
        assertThatThrownBy(() -> new BigDecimal(text)).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> parse(text)).isInstanceOf(NumberFormatException.class);
    }

    /** Parses from the middle of a larger buffer, as from the parser's. */
    private static BigDecimal parse(String text) {
        char[] buffer = ("[" + text + "]").toCharArray();
        return Decimals.parse(buffer, 1, text.length());
    }
}
