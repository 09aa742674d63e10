output "kinesis_stream_arn" {
  description = "ARN of the stream the subscription filter feeds (the job's kinesis.stream.arn)."
  value       = aws_kinesis_stream.logs.arn
}

output "kinesis_stream_name" {
  description = "Name of the Kinesis stream."
  value       = aws_kinesis_stream.logs.name
}

output "bedrock_log_group_name" {
  description = "Log group the subscription filter reads (created here or pre-existing)."
  value       = aws_cloudwatch_log_subscription_filter.bedrock_to_kinesis.log_group_name
}

output "lake_bucket" {
  description = "Bucket of the lake, the price CSVs and Athena results."
  value       = aws_s3_bucket.this["lake"].id
}

output "lake_uri" {
  description = "Root of the lake (the job's output.path): tables are <lake_uri>/<table>/year=YYYY/month=MM/day=DD/."
  value       = local.lake_uri
}

output "pricing_uri" {
  description = "Where the job reads price CSVs (pricing.path); upload new or changed files here."
  value       = local.pricing_uri
}

output "code_bucket" {
  description = "Bucket of the job jar."
  value       = aws_s3_bucket.this["code"].id
}

output "jar_s3_uri" {
  description = "Where the application loads the jar from."
  value       = "s3://${aws_s3_bucket.this["code"].id}/${var.jar_key}"
}

output "application_name" {
  description = "Name of the Managed Service for Apache Flink application."
  value       = aws_kinesisanalyticsv2_application.this.name
}

output "application_arn" {
  description = "ARN of the Managed Service for Apache Flink application."
  value       = aws_kinesisanalyticsv2_application.this.arn
}

output "application_log_group_name" {
  description = "CloudWatch log group of the Flink application."
  value       = aws_cloudwatch_log_group.app.name
}

output "application_role_arn" {
  description = "Execution role of the Flink application."
  value       = aws_iam_role.app.arn
}

output "glue_database" {
  description = "Glue database holding the lake tables, the pricing table and (once created) the views."
  value       = aws_glue_catalog_database.this.name
}

output "glue_tables" {
  description = "Glue tables, lake tables first, then pricing."
  value       = concat([for t in aws_glue_catalog_table.lake : t.name], [aws_glue_catalog_table.pricing.name])
}

output "athena_workgroup" {
  description = "Athena workgroup to query with (results encrypted, in the lake bucket)."
  value       = aws_athena_workgroup.this.name
}

output "athena_view_query_ids" {
  description = "Named query id per view; run each once to create or refresh the view (see README)."
  value       = { for name, q in aws_athena_named_query.views : name => q.id }
}

output "athena_view_query_ids_in_order" {
  description = "The named query ids in the order to run them: views that read lake tables only, then the views that read those (invocations_current)."
  value       = [for name in local.athena_view_order : aws_athena_named_query.views[name].id]
}

output "alarm_topic_arn" {
  description = "SNS topic the alarms notify; subscribe more endpoints to it."
  value       = aws_sns_topic.alarms.arn
}
