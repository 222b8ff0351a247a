package dev.billing.focus.internal;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * FOCUS 1.2 {@code ServiceCategory} for a service name: the first rule whose pattern occurs in the
 * name (case-insensitive, on word boundaries), else {@code Other}, as FOCUS asks when no category
 * fits. The rules know the common service names of AWS, Azure and Google Cloud.
 */
public final class ServiceCategories {
    /** The allowed values of FOCUS 1.2's ServiceCategory. */
    public static final List<String> ALLOWED = List.of("AI and Machine Learning", "Analytics",
            "Business Applications", "Compute", "Databases", "Developer Tools", "Multicloud", "Identity",
            "Integration", "Internet of Things", "Management and Governance", "Media", "Migration", "Mobile",
            "Networking", "Security", "Storage", "Web", "Other");

    private record Rule(Pattern pattern, String category) {
    }

    private static Rule rule(String category, String alternatives) {
        return new Rule(Pattern.compile("(?<![a-z0-9])(" + alternatives + ")(?![a-z0-9])"), category);
    }

    /** Ordered: the first match wins (so "Database Migration Service" is Migration, not Databases). */
    private static final List<Rule> RULES = List.of(
            rule("Migration", "migration|dms|datasync|transfer family|snowball|mgn|migrate"),
            rule("Internet of Things", "iot|iot hub|greengrass"),
            rule("AI and Machine Learning", "sagemaker|bedrock|machine learning|ai|ml|vertex ai|vertex|cognitive services"
                    + "|openai|rekognition|comprehend|textract|polly|transcribe|translate|lex|kendra|personalize"
                    + "|forecast|cloud vision|vision ai|natural language|dialogflow|speech|automl|gemini"),
            rule("Integration", "sns|amazonsns|sqs|awsqueueservice|amazonsqs|eventbridge|step functions"
                    + "|awsstepfunctions|service bus|event grid|event hubs|pub/sub|pubsub|logic apps|mq|amazonmq"
                    + "|appflow|api management|workflows|cloud tasks|cloud scheduler|app sync|appsync"),
            rule("Analytics", "bigquery|athena|glue|emr|amazonemr|kinesis|redshift|amazonredshift|quicksight|opensearch"
                    + "|elasticsearch|data factory|synapse|databricks|dataflow|dataproc|pub/sub lite|looker|analytics"
                    + "|lake formation|msk|hdinsight|stream analytics|data explorer|fabric"),
            rule("Databases", "rds|amazonrds|dynamodb|amazondynamodb|database|databases|sql|sql database|cosmos db"
                    + "|cosmosdb|aurora|elasticache|amazonelasticache|documentdb|docdb|neptune|keyspaces|timestream"
                    + "|memorydb|spanner|bigtable|firestore|datastore|alloydb|cloud sql|redis|mysql|postgresql"
                    + "|mariadb"),
            rule("Compute", "ec2|amazonec2|elastic compute cloud|compute|lambda|awslambda|virtual machines"
                    + "|virtual machine scale sets|container|containers|kubernetes|eks|amazoneks|ecs|amazonecs"
                    + "|fargate|app service|functions|batch|lightsail|amazonlightsail|cloud run|app engine"
                    + "|compute engine|gke|elastic beanstalk|container instances|container apps|outposts"),
            rule("Storage", "s3|amazons3|simple storage service|storage|glacier|amazonglacier|ebs|efs|amazonefs"
                    + "|backup|awsbackup|fsx|amazonfsx|storage gateway|filestore|cloud storage|blob|disks"
                    + "|managed disks|files|archive"),
            rule("Networking", "cloudfront|amazoncloudfront|vpc|amazonvpc|route 53|route53|amazonroute53"
                    + "|load balancing|elastic load balancing|elb|awselb|network|networking|dns|cdn|direct connect"
                    + "|awsdirectconnect|data transfer|awsdatatransfer|bandwidth|virtual network|vpn|expressroute"
                    + "|cloud nat|nat gateway|global accelerator|transit gateway|private link|privatelink"
                    + "|front door|application gateway|traffic manager|cloud interconnect|cloud armor|firewall"),
            rule("Security", "kms|awskms|waf|awswaf|shield|awsshield|guardduty|amazonguardduty|security|security hub"
                    + "|securityhub|key vault|secrets manager|awssecretsmanager|inspector|amazoninspector|macie"
                    + "|defender|sentinel|certificate manager|acm|cloudhsm|secret manager|cloud kms"),
            rule("Identity", "iam|cognito|amazoncognito|directory service|entra|active directory|identity"
                    + "|sso|identity center|identity platform"),
            rule("Management and Governance", "cloudwatch|amazoncloudwatch|cloudtrail|awscloudtrail|config|awsconfig"
                    + "|monitor|monitoring|logging|log analytics|systems manager|awssystemsmanager|support"
                    + "|awssupportbusiness|awssupportenterprise|cloudformation|awscloudformation|organizations"
                    + "|control tower|trusted advisor|cost explorer|awscostexplorer|cloud logging|cloud monitoring"
                    + "|operations|automation|policy|advisor|service catalog|x-ray|awsxray"),
            rule("Developer Tools", "codebuild|codecommit|codepipeline|codedeploy|codeartifact|codecatalyst|devops"
                    + "|cloud build|artifact registry|container registry|ecr|amazonecr|cloud9|x-code|source"
                    + "|cloud shell|deployment manager"),
            rule("Mobile", "amplify|awsamplify|device farm|mobile|pinpoint|amazonpinpoint|firebase|notification hubs"),
            rule("Media", "media|elemental|mediaconvert|transcoder|ivs|interactive video|elastic transcoder"
                    + "|video|kinesis video"),
            rule("Web", "api gateway|amazonapigateway|web|web apps|static web apps|apigee|app runner"),
            rule("Business Applications", "workspaces|amazonworkspaces|connect|amazonconnect|chime|amazonchime|ses"
                    + "|amazonses|simple email|workmail|workdocs|dynamics|office|microsoft 365|google workspace"),
            rule("Multicloud", "anthos|azure arc|arc|multicloud|outposts servers"));

    private ServiceCategories() {
    }

    /**
     * @param serviceName a service name, for example {@code AmazonEC2} or {@code Virtual Machines}
     * @return its FOCUS ServiceCategory, {@code Other} when no rule fits
     */
    public static String of(String serviceName) {
        String name = serviceName.toLowerCase(Locale.ROOT);
        for (Rule r : RULES) {
            if (r.pattern().matcher(name).find()) {
                return r.category();
            }
        }
        return "Other";
    }
}
