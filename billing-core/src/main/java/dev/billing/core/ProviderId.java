package dev.billing.core;

/**
 * A validated provider id: 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit.
 *
 * @param value the provider id
 */
public record ProviderId(String value) implements Comparable<ProviderId> {

    /** @throws InvalidRequestException when the value is blank or has other characters */
    public ProviderId {
        Ids.check("provider id", value);
    }

    /**
     * @param value the provider id
     * @return the id
     * @throws InvalidRequestException when the value is blank or has other characters
     */
    public static ProviderId of(String value) {
        return new ProviderId(value);
    }

    @Override
    public int compareTo(ProviderId other) {
        return value.compareTo(other.value);
    }

    /** @return the value itself */
    @Override
    public String toString() {
        return value;
    }
}
