data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition

  lake_bucket_name        = coalesce(var.lake_bucket_name, "${var.name}-lake-${local.account_id}-${local.region}")
  code_bucket_name        = coalesce(var.code_bucket_name, "${var.name}-code-${local.account_id}-${local.region}")
  bedrock_log_bucket_name = coalesce(var.bedrock_log_bucket_name, "${var.name}-bedrock-logs-${local.account_id}-${local.region}")

  # The repository keeps one schema definition for the job and the catalog; the module reads it
  # in place rather than carrying a copy that could drift.
  schemas_dir = coalesce(var.schemas_dir, "${path.module}/../schemas")
  pricing_dir = coalesce(var.pricing_dir, "${path.module}/../pricing")
  jar_path    = coalesce(var.jar_path, "${path.module}/../flink-job/target/bedrock-cost-stream-msf.jar")

  lake_uri    = "s3://${local.lake_bucket_name}/${var.lake_prefix}"
  pricing_uri = "s3://${local.lake_bucket_name}/${var.pricing_prefix}/"
  # Unit price files (guardrails, images, video, rerank) live beside the price folder, not under it:
  # Athena reads every file below a table's location, so under it they would be rows of the Glue
  # pricing table (with the columns shifted). The job reads both (pricing.units.path).
  pricing_units_prefix = "${var.pricing_prefix}-units"
  pricing_units_uri    = "s3://${local.lake_bucket_name}/${local.pricing_units_prefix}/"

  athena_results_prefix = "athena-results"
  glue_database_name    = coalesce(var.glue_database_name, replace(var.name, "-", "_"))
  athena_workgroup_name = coalesce(var.athena_workgroup_name, var.name)

  app_name           = var.name
  app_log_group_name = "/aws/kinesis-analytics/${var.name}"
  app_log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.app_log_group_name}"
  bedrock_log_group_arn = (
    "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${var.bedrock_log_group_name}"
  )

  tags = merge({ "app" = "bedrock-cost-stream" }, var.tags)
}
