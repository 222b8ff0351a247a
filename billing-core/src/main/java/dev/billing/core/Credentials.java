package dev.billing.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Named credential values, for example HyperBilling's {@code account}, {@code email} and
 * {@code key}. Which fields exist, which are secret and how each is validated is the provider's
 * {@link CredentialSchema}.
 *
 * <p>{@link #toString()} shows field names only, never a value, so credentials are safe to log by
 * accident. Values leave this object only through {@link #get(String)}, for the provider's requests.
 */
public final class Credentials {
    private final Set<String> fields;
    private final Supplier<Map<String, String>> opener;
    private volatile Map<String, String> values;

    private Credentials(Map<String, String> values) {
        this.fields = values.keySet();
        this.opener = null;
        this.values = values;
    }

    private Credentials(Set<String> fields, Supplier<Map<String, String>> opener) {
        this.fields = fields;
        this.opener = opener;
    }

    /**
     * Credentials whose values are opened only when first asked for, for a registry that keeps them
     * sealed: listing accounts never opens them, and a value that cannot be opened fails only the fetch
     * of its own account (the provider's {@link #get} throws), not the whole list.
     *
     * @param fields the field names, in order
     * @param open opens every value; called at most once successfully, on the first {@link #get}
     * @return the credentials
     */
    public static Credentials sealed(List<String> fields, Supplier<Map<String, String>> open) {
        Objects.requireNonNull(open, "open");
        Set<String> names = new LinkedHashSet<>();
        fields.forEach(f -> names.add(Objects.requireNonNull(f, "field name")));
        return new Credentials(Collections.unmodifiableSet(names), open);
    }

    private Map<String, String> values() {
        Map<String, String> v = values;
        if (v == null) {
            synchronized (this) {
                v = values;
                if (v == null) {
                    v = of(opener.get()).values;
                    values = v;
                }
            }
        }
        return v;
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
     * @throws BillingException when the credentials are {@link #sealed} and cannot be opened (for example
     *     sealed with another key); the message names the field, never a value
     */
    public Optional<String> get(String field) {
        return fields.contains(field) ? Optional.ofNullable(values().get(field)) : Optional.empty();
    }

    /** @return the names of the fields present, in the order given; never opens {@link #sealed} values */
    public Set<String> fields() {
        return fields;
    }

    /** Compares the values; opens {@link #sealed} credentials (and throws as {@link #get} does). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Credentials c && fields.equals(c.fields) && values().equals(c.values());
    }

    /** Hashes the field names only, so that hashing never opens {@link #sealed} credentials. */
    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    /** @return the field names with every value masked, for example {@code Credentials[account=***, key=***]} */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Credentials[");
        String sep = "";
        for (String field : fields) {
            sb.append(sep).append(field).append("=***");
            sep = ", ";
        }
        return sb.append(']').toString();
    }
}
