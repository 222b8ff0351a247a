package dev.billing.hyperbilling.internal;

import java.util.Map;

/** Maps HyperBilling's AWS billing region prefixes to region codes. */
final class Regions {
    private static final Map<String, String> BY_PREFIX = Map.ofEntries(
            Map.entry("USE1", "us-east-1"), Map.entry("USE2", "us-east-2"),
            Map.entry("USW1", "us-west-1"), Map.entry("USW2", "us-west-2"),
            Map.entry("CAN1", "ca-central-1"), Map.entry("SAE1", "sa-east-1"),
            Map.entry("EU", "eu-west-1"), Map.entry("EUW1", "eu-west-1"),
            Map.entry("EUW2", "eu-west-2"), Map.entry("EUW3", "eu-west-3"),
            Map.entry("EUC1", "eu-central-1"), Map.entry("EUN1", "eu-north-1"),
            Map.entry("EUS1", "eu-south-1"), Map.entry("APN1", "ap-northeast-1"),
            Map.entry("APN2", "ap-northeast-2"), Map.entry("APN3", "ap-northeast-3"),
            Map.entry("APS1", "ap-southeast-1"), Map.entry("APS2", "ap-southeast-2"),
            Map.entry("APS3", "ap-south-1"), Map.entry("APE1", "ap-east-1"),
            Map.entry("MES1", "me-south-1"), Map.entry("AFS1", "af-south-1"),
            Map.entry("CPT", "af-south-1"), Map.entry("UGW1", "us-gov-west-1"),
            Map.entry("UGE1", "us-gov-east-1"), Map.entry("APS4", "ap-southeast-3"),
            Map.entry("APS5", "ap-south-2"), Map.entry("EUC2", "eu-central-2"),
            Map.entry("EUS2", "eu-south-2"), Map.entry("MEC1", "me-central-1"),
            Map.entry("ILC1", "il-central-1"), Map.entry("CAW1", "ca-west-1"));

    private Regions() {
    }

    /**
     * @param prefix the {@code REGION} value of a row, possibly null
     * @return the region code: {@code us-east-1} for null or "", the mapped code for a known prefix,
     *     anything else unchanged (region codes, {@code global}, unknown prefixes)
     */
    static String map(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "us-east-1";
        }
        return BY_PREFIX.getOrDefault(prefix, prefix);
    }
}
