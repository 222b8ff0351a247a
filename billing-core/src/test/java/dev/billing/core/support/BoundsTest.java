package dev.billing.core.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BoundsTest {
    @ParameterizedTest
    @ValueSource(strings = {"0", "-12.345", "35.2E-7", "99999999999999999999.999999999999999999", "1E+19",
            "0.000000000000000001", "1.50000000000000000000000000", " 7 ", "0.1000000000000000055511151231257827",
            "-0.0000768637024928243118", "1E-38", "12345678901234567890.123456789012345678"})
    void decimalsWithinTheBounds_areReadExactly(String text) {
        assertThat(Bounds.decimal(text)).isEqualByComparingTo(new BigDecimal(text.trim()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1E+999999999", "1E-999999999", "1e2147483647", "1E+20", "1E-39",
            "123456789012345678901", "12345678901234567890.1234567890123456789"})
    void decimalsOutsideTheBounds_areRefused(String text) {
        assertThatThrownBy(() -> Bounds.decimal(text)).isInstanceOf(NumberFormatException.class)
                .hasMessageContaining("outside the supported range (at most 38 significant digits, 20 integer and 38"
                        + " fraction digits)");
        assertThatThrownBy(() -> Bounds.decimal(new BigDecimal(text))).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void aHugeNumber_isRefusedBeforeParsing_andNotEchoed() {
        String huge = "9".repeat(900_000);
        assertThatThrownBy(() -> Bounds.decimal(huge)).isInstanceOf(NumberFormatException.class)
                .hasMessageContaining("longer than the 200 characters").message().hasSizeLessThan(200);
        assertThatThrownBy(() -> Bounds.decimal(new BigDecimal("9".repeat(5000)))).message().hasSizeLessThan(200);
    }

    @Test
    void notANumber_isRefused() {
        assertThatThrownBy(() -> Bounds.decimal("12,5")).hasMessage("'12,5' is not a decimal number such as 12.345");
    }

    @Test
    void echo_capsAndEscapesControlCharacters() {
        assertThat(Bounds.echo("a\u001b[31mb\u0007\n")).isEqualTo("a\\u001b[31mb\\u0007\\n");
        assertThat(Bounds.echo("x".repeat(1_000_000))).hasSize(80 + " (999920 more characters)".length() + 3)
                .endsWith("... (999920 more characters)");
        assertThat(Bounds.echo(null)).isEqualTo("null");
    }
}
