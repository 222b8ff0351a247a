package dev.billing.core.internal;

/** Dense ids for the distinct strings of one column (see {@link DenseIds}). */
final class Dictionary extends DenseIds<String> {
}
