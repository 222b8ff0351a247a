package dev.billing.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Named credential values, for example HyperBilling's {@code account}, {@code email} and
 * {@code key}. Which fields exist, which are secret and how each is validated is the provider's
 * {@link CredentialSchema}.
 *
 * <p>{@link #toString()} shows field names only, never a value, so credentials are safe to log by
 * accident. Values leave this object only through {@link #get(String)}, for the provider's requests.
 */
public final class Credentials {
    private final Map<String, String> values;

    private Credentials(Map<String, String> values) {
        this.values = values;
    }

    /**
     * @param values field name to value; iteration order is kept
     * @return the credentials
     * @throws NullPointerException when a name or value is null
     */
    public static Credentials of(Map<String, String> values) {
        Map<String, String> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "field name"),
                Objects.requireNonNull(v, () -> "value of credential '" + k + "'")));
        return new Credentials(Collections.unmodifiableMap(copy));
    }

    /**
     * @param field a field name
     * @return the value, if the field is present
     */
    public Optional<String> get(String field) {
        return Optional.ofNullable(values.get(field));
    }

    /** @return the names of the fields present, in the order given */
    public Set<String> fields() {
        return values.keySet();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Credentials c && values.equals(c.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** @return the field names with every value masked, for example {@code Credentials[account=***, key=***]} */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Credentials[");
        String sep = "";
        for (String field : values.keySet()) {
            sb.append(sep).append(field).append("=***");
            sep = ", ";
        }
        return sb.append(']').toString();
    }
}
