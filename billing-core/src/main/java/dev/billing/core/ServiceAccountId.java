package dev.billing.core;

/**
 * A validated service account name: 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit.
 *
 * @param value the service account name
 */
public record ServiceAccountId(String value) implements Comparable<ServiceAccountId> {

    /** @throws InvalidRequestException when the value is blank or has other characters */
    public ServiceAccountId {
        Ids.check("service account name", value);
    }

    /**
     * @param value the service account name
     * @return the id
     * @throws InvalidRequestException when the value is blank or has other characters
     */
    public static ServiceAccountId of(String value) {
        return new ServiceAccountId(value);
    }

    @Override
    public int compareTo(ServiceAccountId other) {
        return value.compareTo(other.value);
    }

    /** @return the value itself */
    @Override
    public String toString() {
        return value;
    }
}
