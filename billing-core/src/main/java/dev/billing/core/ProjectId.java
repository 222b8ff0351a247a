package dev.billing.core;

/**
 * A validated project: 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit.
 *
 * @param value the project
 */
public record ProjectId(String value) implements Comparable<ProjectId> {

    /** @throws InvalidRequestException when the value is blank or has other characters */
    public ProjectId {
        Ids.check("project", value);
    }

    /**
     * @param value the project
     * @return the id
     * @throws InvalidRequestException when the value is blank or has other characters
     */
    public static ProjectId of(String value) {
        return new ProjectId(value);
    }

    @Override
    public int compareTo(ProjectId other) {
        return value.compareTo(other.value);
    }

    /** @return the value itself */
    @Override
    public String toString() {
        return value;
    }
}
