output "lake_uri" {
  description = "Root of the Parquet lake."
  value       = module.bedrock_cost.lake_uri
}

output "pricing_uri" {
  description = "Where to upload price CSVs."
  value       = module.bedrock_cost.pricing_uri
}

output "application_name" {
  description = "The Flink application."
  value       = module.bedrock_cost.application_name
}

output "glue_database" {
  description = "Glue database to query in Athena."
  value       = module.bedrock_cost.glue_database
}

output "athena_workgroup" {
  description = "Athena workgroup to query with."
  value       = module.bedrock_cost.athena_workgroup
}

output "athena_view_query_ids" {
  description = "Named queries that create the views."
  value       = module.bedrock_cost.athena_view_query_ids
}
