package dev.billing.hyperbilling.internal;

import java.util.Map;

/**
 * Maps HyperBilling's AWS service codes (the price list's and the Cost and Usage Report's product codes, such as
 * {@code AmazonEC2}) to the service names AWS Cost Explorer gives its {@code SERVICE} dimension, so that a breakdown
 * by service over hyperbilling-aws and aws-cost-explorer accounts has one row per service. A code not listed is
 * kept as it is.
 *
 * <p>Sources. No AWS page listing codes beside Cost Explorer names was found (the search covered AWS's Cost Explorer
 * and price list documentation as stored); the names are quoted from these, and unknown codes pass through:
 * <ul>
 *   <li>EC2: Cost Explorer splits the CUR product code {@code AmazonEC2} into "EC2-Instances (Elastic Compute Cloud -
 *       Compute)" and "EC2-Other" (EBS, NAT gateways, EC2 data transfer): B. Regan, "What is EC2-Other?",
 *       https://dev.to/brianpregan/what-is-ec2-other-2oi6, table "Calculating Total EC2 Costs". HyperBilling gives
 *       one code for both, mapped to the instances' name; a Cost Explorer account's "EC2 - Other" stays its own
 *       row.</li>
 *   <li>"Amazon Elastic Compute Cloud - Compute", "Amazon Simple Storage Service", "Amazon Relational Database
 *       Service", "AWS Lambda", "Amazon Elastic Container Service for Kubernetes", "AmazonCloudWatch" (one word, as
 *       Cost Explorer writes it), "AWS Data Transfer", "Amazon GuardDuty", "Amazon MQ": the {@code SERVICE_LABELS}
 *       table (code to Cost Explorer {@code SERVICE} value) of a public Cost Explorer test-data generator for
 *       Elastic's AWS billing integration (module {@code metrics-aws.billing}; repository not named by the code
 *       index).</li>
 *   <li>"Amazon CloudFront", "Amazon DynamoDB", "Amazon Route 53", "Amazon Virtual Private Cloud": the full service
 *       names the platsec-aws-scanner {@code cost_explorer} task documents as the values to query Cost Explorer
 *       with.</li>
 * </ul>
 */
final class Services {
    private static final Map<String, String> BY_CODE = Map.ofEntries(
            Map.entry("AmazonEC2", "Amazon Elastic Compute Cloud - Compute"),
            Map.entry("AmazonS3", "Amazon Simple Storage Service"),
            Map.entry("AmazonRDS", "Amazon Relational Database Service"),
            Map.entry("AWSLambda", "AWS Lambda"),
            Map.entry("AmazonEKS", "Amazon Elastic Container Service for Kubernetes"),
            Map.entry("AmazonCloudWatch", "AmazonCloudWatch"),
            Map.entry("AWSDataTransfer", "AWS Data Transfer"),
            Map.entry("AmazonGuardDuty", "Amazon GuardDuty"),
            Map.entry("AmazonMQ", "Amazon MQ"),
            Map.entry("AmazonCloudFront", "Amazon CloudFront"),
            Map.entry("AmazonDynamoDB", "Amazon DynamoDB"),
            Map.entry("AmazonRoute53", "Amazon Route 53"),
            Map.entry("AmazonVPC", "Amazon Virtual Private Cloud"));

    private Services() {
    }

    /**
     * @param code a row's {@code SERVICE_CODE}, never null
     * @return Cost Explorer's name of that service, or the code itself when it is not in the table
     */
    static String name(String code) {
        return BY_CODE.getOrDefault(code, code);
    }
}
