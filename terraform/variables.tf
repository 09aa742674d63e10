# ---------------------------------------------------------------------------------------------
# General
# ---------------------------------------------------------------------------------------------

variable "name" {
  description = "Prefix of every resource name (stream, buckets, application, roles, Glue database, workgroup)."
  type        = string
  default     = "bedrock-cost"

  validation {
    # Bucket names, Kinesis streams and MSF applications all accept this alphabet; 32 leaves room for suffixes.
    condition     = can(regex("^[a-z][a-z0-9-]{1,31}$", var.name))
    error_message = "name must be 2-32 characters of lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags added to every resource that supports them."
  type        = map(string)
  default     = {}
}

variable "schemas_dir" {
  description = "Folder of the lake table schemas (<table>.json) and Athena views (views/*.sql). Null means the repository's schemas/ next to this module; the job's Parquet writer reads the same files."
  type        = string
  default     = null
}

# ---------------------------------------------------------------------------------------------
# Bedrock model invocation logging (ingest.tf)
# ---------------------------------------------------------------------------------------------

variable "create_bedrock_logging" {
  description = "Switch on Bedrock model invocation logging to a new CloudWatch log group. Bedrock allows one logging configuration per account and region: leave false when logging is already set up (and give its log group in bedrock_log_group_name); destroying this stack with true switches logging off."
  type        = bool
  default     = false
}

variable "bedrock_log_group_name" {
  description = "CloudWatch log group Bedrock writes invocation logs to: created when create_bedrock_logging is true, otherwise it must already exist."
  type        = string
  default     = "/aws/bedrock/modelinvocations"

  validation {
    condition     = can(regex("^[\\w#./-]{1,512}$", var.bedrock_log_group_name))
    error_message = "bedrock_log_group_name must be a valid CloudWatch Logs group name."
  }
}

variable "bedrock_log_retention_days" {
  description = "Retention of the Bedrock log group created here. The records carry prompts and completions, so keep this short: the lake keeps what cost reporting needs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.bedrock_log_retention_days)
    error_message = "bedrock_log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "bedrock_data_delivery" {
  description = "Which bodies Bedrock logs. Token counts and requestMetadata come with every record; text delivery is kept on by default because logging with all four off was not confirmed to keep them."
  type = object({
    text      = optional(bool, true)
    image     = optional(bool, false)
    embedding = optional(bool, false)
    video     = optional(bool, false)
  })
  default = {}
}

variable "bedrock_s3_delivery" {
  description = "Also deliver invocation logs to the Bedrock log bucket (hourly gzip files), for backfills with the job's file input. Doubles log storage."
  type        = bool
  default     = false
}

variable "bedrock_log_bucket_name" {
  description = "Bucket for Bedrock's large-body (and optional S3) delivery, created when create_bedrock_logging is true. Null means <name>-bedrock-logs-<account>-<region>."
  type        = string
  default     = null
}

variable "bedrock_log_bucket_expiration_days" {
  description = "Days after which objects in the Bedrock log bucket (large prompt and completion bodies) expire."
  type        = number
  default     = 30

  validation {
    condition     = var.bedrock_log_bucket_expiration_days >= 1
    error_message = "bedrock_log_bucket_expiration_days must be at least 1."
  }
}

# ---------------------------------------------------------------------------------------------
# Kinesis and the subscription filter (ingest.tf)
# ---------------------------------------------------------------------------------------------

variable "kinesis_stream_mode" {
  description = "ON_DEMAND scales with traffic (CloudWatch Logs retries throttled deliveries for only 24 h); PROVISIONED uses kinesis_shard_count shards."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "PROVISIONED"], var.kinesis_stream_mode)
    error_message = "kinesis_stream_mode must be ON_DEMAND or PROVISIONED."
  }
}

variable "kinesis_shard_count" {
  description = "Shards when kinesis_stream_mode is PROVISIONED (ignored for ON_DEMAND)."
  type        = number
  default     = 2

  validation {
    condition     = var.kinesis_shard_count >= 1 && floor(var.kinesis_shard_count) == var.kinesis_shard_count
    error_message = "kinesis_shard_count must be a whole number of at least 1."
  }
}

variable "kinesis_retention_hours" {
  description = "How long the stream keeps records: the window for restoring the job from an old snapshot without losing data."
  type        = number
  default     = 24

  validation {
    condition     = var.kinesis_retention_hours >= 24 && var.kinesis_retention_hours <= 8760
    error_message = "kinesis_retention_hours must be between 24 and 8760."
  }
}

variable "subscription_filter_pattern" {
  description = "CloudWatch Logs filter pattern of the subscription; empty forwards every event (the job skips what it does not need)."
  type        = string
  default     = ""
}

# ---------------------------------------------------------------------------------------------
# S3 (lake.tf)
# ---------------------------------------------------------------------------------------------

variable "lake_bucket_name" {
  description = "Bucket of the lake (and the price CSVs and Athena results). Null means <name>-lake-<account>-<region>."
  type        = string
  default     = null
}

variable "lake_prefix" {
  description = "Key prefix of the lake inside the bucket; tables go to <prefix>/invocations/, <prefix>/failed/ and so on."
  type        = string
  default     = "lake"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$", var.lake_prefix))
    error_message = "lake_prefix must be a relative key prefix without leading or trailing slash."
  }
}

variable "pricing_prefix" {
  description = "Key prefix of the price CSVs in the lake bucket; the job watches it for new or changed files."
  type        = string
  default     = "pricing"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$", var.pricing_prefix))
    error_message = "pricing_prefix must be a relative key prefix without leading or trailing slash."
  }
}

variable "pricing_dir" {
  description = "Local folder whose *.csv files are uploaded under pricing_prefix so the job has a price table at start. Null means the repository's pricing/."
  type        = string
  default     = null
}

variable "failed_expiration_days" {
  description = "Days after which rows in <prefix>/failed/ expire (they hold up to 4 KB of raw input each)."
  type        = number
  default     = 90

  validation {
    condition     = var.failed_expiration_days >= 1
    error_message = "failed_expiration_days must be at least 1."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days a replaced or deleted object version is kept in the versioned buckets."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days must be at least 1."
  }
}

variable "abort_incomplete_multipart_days" {
  description = "Days after which unfinished multipart uploads are aborted. Flink keeps a part file's upload open until the checkpoint that commits it, so keep this longer than any stop you plan to restore from a snapshot."
  type        = number
  default     = 7

  validation {
    condition     = var.abort_incomplete_multipart_days >= 1
    error_message = "abort_incomplete_multipart_days must be at least 1."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete non-empty buckets (lake, code, Bedrock logs) and the Athena workgroup with its queries. Keep false in production."
  type        = bool
  default     = false
}

# ---------------------------------------------------------------------------------------------
# The Flink application (app.tf)
# ---------------------------------------------------------------------------------------------

variable "code_bucket_name" {
  description = "Bucket of the job jar. Null means <name>-code-<account>-<region>."
  type        = string
  default     = null
}

variable "upload_jar" {
  description = "Upload jar_path to the code bucket. False means the jar is already at jar_key (uploaded with `aws s3 cp`, e.g. by CI)."
  type        = bool
  default     = true
}

variable "jar_path" {
  description = "Local path of the shaded job jar (`mvn -B -DskipTests package`). Null means flink-job/target/bedrock-cost-stream-msf.jar of this repository."
  type        = string
  default     = null
}

variable "jar_key" {
  description = "Object key of the job jar in the code bucket."
  type        = string
  default     = "jars/bedrock-cost-stream-msf.jar"
}

variable "start_application" {
  description = "Start the Flink application after creating or updating it."
  type        = bool
  default     = true
}

variable "parallelism" {
  description = "Initial parallelism of the application (KPUs = parallelism / parallelism_per_kpu)."
  type        = number
  default     = 1

  validation {
    condition     = var.parallelism >= 1 && floor(var.parallelism) == var.parallelism
    error_message = "parallelism must be a whole number of at least 1."
  }
}

variable "parallelism_per_kpu" {
  description = "Parallel tasks per KPU (1 vCPU, 4 GB). Decoding and pricing are CPU-bound, so 1 is the sensible start."
  type        = number
  default     = 1

  validation {
    condition     = var.parallelism_per_kpu >= 1 && var.parallelism_per_kpu <= 8
    error_message = "parallelism_per_kpu must be between 1 and 8."
  }
}

variable "autoscaling_enabled" {
  description = "Let MSF raise and lower parallelism with CPU load. Every rescale restarts the job from a snapshot."
  type        = bool
  default     = true
}

variable "checkpoint_interval_ms" {
  description = "Checkpoint interval. Parquet files are committed on checkpoints, so this is also how stale the lake may be."
  type        = number
  default     = 60000

  validation {
    condition     = var.checkpoint_interval_ms >= 1000
    error_message = "checkpoint_interval_ms must be at least 1000."
  }
}

variable "min_pause_between_checkpoints_ms" {
  description = "Minimum pause between the end of one checkpoint and the start of the next."
  type        = number
  default     = 5000

  validation {
    condition     = var.min_pause_between_checkpoints_ms >= 0
    error_message = "min_pause_between_checkpoints_ms must not be negative."
  }
}

variable "allow_non_restored_state" {
  description = "Let an updated job start from a snapshot that has state no operator claims (after removing an operator). Leave false so a mistake fails loudly."
  type        = bool
  default     = false
}

variable "log_level" {
  description = "Application log level sent to CloudWatch Logs."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARN or ERROR."
  }
}

variable "metrics_level" {
  description = "Granularity of the metrics MSF publishes to CloudWatch; finer levels cost more."
  type        = string
  default     = "APPLICATION"

  validation {
    condition     = contains(["APPLICATION", "OPERATOR", "PARALLELISM", "TASK"], var.metrics_level)
    error_message = "metrics_level must be APPLICATION, OPERATOR, PARALLELISM or TASK."
  }
}

variable "app_log_retention_days" {
  description = "Retention of the application's CloudWatch log group."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.app_log_retention_days)
    error_message = "app_log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before the log-group KMS key is deleted after destroy."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30
    error_message = "kms_key_deletion_window_days must be between 7 and 30."
  }
}

# Job configuration: each value below becomes one key in the job's property groups (JobConfig).

variable "kinesis_initial_position" {
  description = "Job key kinesis.initial.position: where a job without a snapshot starts reading (TRIM_HORIZON reads what the stream still holds)."
  type        = string
  default     = "TRIM_HORIZON"

  validation {
    condition     = contains(["TRIM_HORIZON", "LATEST"], var.kinesis_initial_position)
    error_message = "kinesis_initial_position must be TRIM_HORIZON or LATEST."
  }
}

variable "output_compaction_checkpoints" {
  description = "Job key output.compaction.checkpoints: merge each partition's new files into one every this many checkpoints (60 s each on MSF), so rows are queryable up to that many minutes later; 0 = a file per checkpoint, partition and KPU (freshest, ~1,440 files per day each)."
  type        = number
  default     = 5

  validation {
    condition     = var.output_compaction_checkpoints >= 0 && floor(var.output_compaction_checkpoints) == var.output_compaction_checkpoints
    error_message = "output_compaction_checkpoints must be a whole number, 0 or more."
  }
}

variable "output_compression" {
  description = "Job key output.compression: Parquet codec (ZSTD: about 40% fewer bytes stored and scanned by Athena than SNAPPY, docs/performance.md)."
  type        = string
  default     = "ZSTD"

  validation {
    condition     = contains(["SNAPPY", "ZSTD", "GZIP", "UNCOMPRESSED"], var.output_compression)
    error_message = "output_compression must be SNAPPY, ZSTD, GZIP or UNCOMPRESSED."
  }
}

variable "pricing_watch_interval" {
  description = "Job key pricing.watch.interval: how often the job looks for new or changed price files."
  type        = string
  default     = "5m"

  validation {
    condition     = can(regex("^(0|[0-9]+(ms|s|m|h|d))$", var.pricing_watch_interval))
    error_message = "pricing_watch_interval must be a duration such as 30s, 5m or 1h."
  }
}

variable "pricing_aws_offer_enabled" {
  description = "Job key pricing.aws.offer.enabled: also price from the AWS Price List, fetched from its public bulk endpoint (https://pricing.us-east-1.amazonaws.com, no AWS credentials needed) while the job runs; the CSVs under pricing_uri win for the keys they state. Off by default. Needs outbound HTTPS from the application: an application without VPC configuration has it; one in a VPC needs a route to the internet through a NAT gateway (the bulk files are not served through a VPC endpoint). A failed fetch keeps the prices in force (metric priceListFetchFailures)."
  type        = bool
  default     = false
}

variable "pricing_aws_offer_interval" {
  description = "Job key pricing.aws.offer.interval: how often the job fetches the AWS Price List when pricing_aws_offer_enabled is true."
  type        = string
  default     = "1d"

  validation {
    condition     = can(regex("^[0-9]+(ms|s|m|h|d)?$", var.pricing_aws_offer_interval))
    error_message = "pricing_aws_offer_interval must be a duration such as 12h or 1d."
  }
}

variable "dedup_ttl" {
  description = "Job key dedup.ttl: how long a request id is remembered. CloudWatch Logs retries deliveries for up to 24 h."
  type        = string
  default     = "48h"

  validation {
    condition     = can(regex("^(0|[0-9]+(ms|s|m|h|d))$", var.dedup_ttl))
    error_message = "dedup_ttl must be a duration such as 24h or 2d."
  }
}

variable "watermark_out_of_orderness" {
  description = "Job key watermark.out.of.orderness: how late invocation timestamps may arrive before event-time results close."
  type        = string
  default     = "5m"

  validation {
    condition     = can(regex("^[0-9]+(ms|s|m|h|d)?$", var.watermark_out_of_orderness))
    error_message = "watermark_out_of_orderness must be a duration such as 5m."
  }
}

variable "tenant_key" {
  description = "Job key tenant.key: the requestMetadata key that holds the tenant. Empty keeps the job's default (tenantId, TenantID, tenant_id, tenant)."
  type        = string
  default     = ""
}

variable "tenant_identity_pattern" {
  description = "Job key tenant.identity.pattern: a regular expression on the caller's identity ARN whose first group is the tenant, for calls without metadata. Empty disables it."
  type        = string
  default     = ""
}

variable "tenant_mapping_key" {
  description = "Job key tenant.mapping.path: S3 key, in the lake bucket, of the tenant mapping CSV (profile_arn,model_id,profile_scope,tenant). The job reads it at start and fails if it cannot; the role may read this one object. Null for no mapping."
  type        = string
  default     = null

  validation {
    condition     = var.tenant_mapping_key == null || can(regex("^[A-Za-z0-9][A-Za-z0-9_./-]*[^/]$", coalesce(var.tenant_mapping_key, "x")))
    error_message = "tenant_mapping_key must be an object key without leading or trailing slash, e.g. config/tenant-mapping.csv."
  }
}

variable "tenant_mapping_file" {
  description = "Local CSV uploaded to tenant_mapping_key with the stack. Null: upload the file yourself before the application starts."
  type        = string
  default     = null
}

# ---------------------------------------------------------------------------------------------
# Glue and Athena (catalog.tf)
# ---------------------------------------------------------------------------------------------

variable "glue_database_name" {
  description = "Glue database of the lake tables. Null means <name> with hyphens as underscores."
  type        = string
  default     = null

  validation {
    condition     = var.glue_database_name == null || can(regex("^[a-z0-9_]{1,255}$", coalesce(var.glue_database_name, "x")))
    error_message = "glue_database_name must be lower-case letters, digits and underscores (Athena's rule)."
  }
}

variable "partition_discovery" {
  description = "How Athena finds new year/month/day partitions: \"projection\" (computed from the path template, queryable at once, no crawler) or \"crawler\" (a Glue crawler registers partitions, for engines other than Athena)."
  type        = string
  default     = "projection"

  validation {
    condition     = contains(["projection", "crawler"], var.partition_discovery)
    error_message = "partition_discovery must be projection or crawler."
  }
}

variable "projection_year_range" {
  description = "First and last year that partition projection considers, as \"YYYY,YYYY\"."
  type        = string
  default     = "2024,2040"

  validation {
    condition     = can(regex("^[0-9]{4},[0-9]{4}$", var.projection_year_range))
    error_message = "projection_year_range must look like 2024,2040."
  }
}

variable "crawler_schedule" {
  description = "Cron schedule of the Glue crawler when partition_discovery is \"crawler\"."
  type        = string
  default     = "cron(15 * * * ? *)"
}

variable "athena_workgroup_name" {
  description = "Athena workgroup. Null means <name>."
  type        = string
  default     = null
}

variable "athena_results_expiration_days" {
  description = "Days Athena query results are kept."
  type        = number
  default     = 30

  validation {
    condition     = var.athena_results_expiration_days >= 1
    error_message = "athena_results_expiration_days must be at least 1."
  }
}

variable "athena_bytes_scanned_cutoff" {
  description = "Cancel an Athena query after it scans this many bytes (at least 10 MB); null for no limit."
  type        = number
  default     = null

  validation {
    condition     = var.athena_bytes_scanned_cutoff == null || coalesce(var.athena_bytes_scanned_cutoff, 10485760) >= 10485760
    error_message = "athena_bytes_scanned_cutoff must be at least 10485760 (10 MB)."
  }
}

# ---------------------------------------------------------------------------------------------
# Monitoring (monitoring.tf)
# ---------------------------------------------------------------------------------------------

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic (it must confirm the subscription). Null for none."
  type        = string
  default     = null
}

variable "max_millis_behind_latest" {
  description = "Alarm when the job lags the stream by more than this many milliseconds."
  type        = number
  default     = 300000
}

variable "max_failed_record_rate" {
  description = "Alarm when failed inputs exceed this fraction of all inputs in 2 of 3 five-minute periods."
  type        = number
  default     = 0.01

  validation {
    condition     = var.max_failed_record_rate > 0 && var.max_failed_record_rate <= 1
    error_message = "max_failed_record_rate must be a fraction in (0, 1]."
  }
}

variable "max_unpriced_rate" {
  description = "Alarm when unpriced invocations exceed this fraction of all invocations in 2 of 3 five-minute periods (a model is missing from the price table, or the price files cannot be read)."
  type        = number
  default     = 0.01

  validation {
    condition     = var.max_unpriced_rate > 0 && var.max_unpriced_rate <= 1
    error_message = "max_unpriced_rate must be a fraction in (0, 1]."
  }
}

variable "max_duplicate_rate" {
  description = "Alarm when dropped duplicate invocations exceed this fraction of all invocations in 2 of 3 five-minute periods (a replay overlapping the lake, or redelivery)."
  type        = number
  default     = 0.05

  validation {
    condition     = var.max_duplicate_rate > 0 && var.max_duplicate_rate <= 1
    error_message = "max_duplicate_rate must be a fraction in (0, 1]."
  }
}
