package dev.billing.testkit.internal.aws;

import java.util.List;
import java.util.Set;

/**
 * What AWS's service model of Cost Explorer says about {@code GetCostAndUsage}: the facts a client can
 * get wrong, which the simulator enforces. Source: boto/botocore,
 * {@code botocore/data/ce/2017-10-25/service-2.json} at commit 0e6e2404b85dc336dd2889814e089bde7d1a4c55
 * (quoted, not copied).
 */
final class CostExplorerModel {
    /** {@code GetCostAndUsageRequest.required}. */
    static final List<String> REQUIRED = List.of("TimePeriod", "Granularity", "Metrics");
    /** {@code GetCostAndUsageRequest.GroupBy}: "You can group Amazon Web Services costs using up to two different groups". */
    static final int MAX_GROUP_BY = 2;
    /** {@code GroupDefinitionType} enum. */
    static final List<String> GROUP_DEFINITION_TYPES = List.of("DIMENSION", "TAG", "COST_CATEGORY");
    /** {@code Granularity} enum. */
    static final List<String> GRANULARITIES = List.of("DAILY", "MONTHLY", "HOURLY");
    /**
     * {@code GetCostAndUsageRequest.Metrics}: "Valid values are AmortizedCost, BlendedCost, NetAmortizedCost,
     * NetUnblendedCost, NormalizedUsageAmount, UnblendedCost, and UsageQuantity".
     */
    static final Set<String> METRICS = Set.of("AmortizedCost", "BlendedCost", "NetAmortizedCost", "NetUnblendedCost",
            "NormalizedUsageAmount", "UnblendedCost", "UsageQuantity");
    /** {@code Dimension} enum: the keys of a {@code DIMENSION} group definition or a {@code Dimensions} filter. */
    static final List<String> DIMENSIONS = List.of("AZ", "INSTANCE_TYPE", "LINKED_ACCOUNT", "PAYER_ACCOUNT",
            "LINKED_ACCOUNT_NAME", "OPERATION", "PURCHASE_TYPE", "REGION", "SERVICE", "SERVICE_CODE", "USAGE_TYPE",
            "USAGE_TYPE_GROUP", "RECORD_TYPE", "OPERATING_SYSTEM", "TENANCY", "SCOPE", "PLATFORM", "SUBSCRIPTION_ID",
            "LEGAL_ENTITY_NAME", "DEPLOYMENT_OPTION", "DATABASE_ENGINE", "CACHE_ENGINE", "INSTANCE_TYPE_FAMILY",
            "BILLING_ENTITY", "RESERVATION_ID", "RESOURCE_ID", "RIGHTSIZING_TYPE", "SAVINGS_PLANS_TYPE",
            "SAVINGS_PLAN_ARN", "PAYMENT_OPTION", "AGREEMENT_END_DATE_TIME_AFTER", "AGREEMENT_END_DATE_TIME_BEFORE",
            "INVOICING_ENTITY", "ANOMALY_TOTAL_IMPACT_ABSOLUTE", "ANOMALY_TOTAL_IMPACT_PERCENTAGE");
    /** {@code MatchOption} enum: the match options of a {@code Dimensions}, {@code Tags} or {@code CostCategories} filter. */
    static final List<String> MATCH_OPTIONS = List.of("EQUALS", "ABSENT", "STARTS_WITH", "ENDS_WITH", "CONTAINS",
            "CASE_SENSITIVE", "CASE_INSENSITIVE", "GREATER_THAN_OR_EQUAL");
    /** {@code GetCostAndUsage.errors}: the errors the operation declares. */
    static final List<String> DECLARED_ERRORS = List.of("LimitExceededException", "BillExpirationException",
            "DataUnavailableException", "InvalidNextTokenException", "RequestChangedException",
            "ResourceNotFoundException", "BillingViewHealthStatusException");

    private CostExplorerModel() {
    }

    /**
     * @return AWS's message for a value outside its enum, as its JSON protocols word a constraint failure:
     *     {@code 1 validation error detected: Value 'X' at 'groupBy.1.member.type' failed to satisfy constraint:
     *     Member must satisfy enum value set: [DIMENSION, TAG, COST_CATEGORY]}
     */
    static String enumViolation(String value, String path, List<String> values) {
        return "1 validation error detected: Value '" + value + "' at '" + path + "' failed to satisfy constraint: Member"
                + " must satisfy enum value set: [" + String.join(", ", values) + "]";
    }
}
