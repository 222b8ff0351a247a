package dev.billing.core;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The credential fields a provider needs, and how each is validated.
 *
 * @param fields the fields, in the order they are asked for
 */
public record CredentialSchema(List<CredentialField> fields) {

    /** Copies the list. */
    public CredentialSchema {
        fields = List.copyOf(fields);
    }

    /**
     * @param fields the fields, in the order they are asked for
     * @return the schema
     */
    public static CredentialSchema of(CredentialField... fields) {
        return new CredentialSchema(List.of(fields));
    }

    /**
     * @param name a field name
     * @return the field of that name, if the schema has it
     */
    public Optional<CredentialField> field(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /**
     * Checks credentials against this schema.
     *
     * @param credentials the credentials
     * @param serviceAccount the service account's name, for the message
     * @param providerId the provider's id, for the message
     * @throws InvalidCredentialsException naming the first field that is missing, unknown or
     *     malformed, and what it must be; a secret value is never echoed
     */
    public void validate(Credentials credentials, String serviceAccount, String providerId) {
        String context = "service account '" + serviceAccount + "': ";
        for (String name : credentials.fields()) {
            if (field(name).isEmpty()) {
                throw new InvalidCredentialsException(context + "unknown credential '" + name + "' for " + providerId
                        + "; expected " + names(), serviceAccount, name);
            }
        }
        for (CredentialField field : fields) {
            Optional<String> value = credentials.get(field.name());
            if (value.isEmpty()) {
                if (field.required()) {
                    throw new InvalidCredentialsException(context + "credential '" + field.name() + "' ("
                            + field.label() + ") is missing; " + providerId + " needs " + names(),
                            serviceAccount, field.name());
                }
            } else if (!field.accepts(value.get())) {
                String shown = field.secret() ? "" : ", got '" + value.get() + "'";
                throw new InvalidCredentialsException(context + "credential '" + field.name() + "' ("
                        + field.label() + ") must " + field.requirement() + shown, serviceAccount, field.name());
            }
        }
    }

    private String names() {
        return fields.stream().map(CredentialField::name).collect(Collectors.joining(", "));
    }
}
