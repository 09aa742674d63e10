provider "aws" {
  region = var.region
}

# A fresh account: switch on Bedrock invocation logging here as well. In an account where
# logging is already configured, drop create_bedrock_logging and give the existing log group.
module "bedrock_cost" {
  source = "../.."

  name                   = "bedrock-cost"
  create_bedrock_logging = true
  bedrock_log_group_name = "/aws/bedrock/modelinvocations"

  kinesis_stream_mode = "ON_DEMAND"

  parallelism         = 1
  parallelism_per_kpu = 1
  autoscaling_enabled = true

  # Ties rows from calls without requestMetadata to a tenant by the caller's role session.
  tenant_identity_pattern = "assumed-role/[^/]+/tenant-(.+)"

  alarm_email = var.alarm_email

  tags = {
    project = "bedrock-cost-stream"
  }
}
