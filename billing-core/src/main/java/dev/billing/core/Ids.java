package dev.billing.core;

import dev.billing.core.support.Bounds;
import java.util.regex.Pattern;

/** The shared rule for ids: 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit. */
final class Ids {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private Ids() {
    }

    static String check(String kind, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException(kind + " is missing: give a non-blank " + kind);
        }
        if (!ID.matcher(value).matches()) {
            throw new InvalidRequestException(kind + " '" + Bounds.echo(value) + "' is not valid: use 1 to 128 letters, digits,"
                    + " '.', '_', ':' or '-', starting with a letter or digit");
        }
        return value;
    }
}
