# Budget alerts: the job writes every alert to the lake (alerts table) and to a Kinesis stream;
# an EventBridge Pipe delivers each record of that stream to an SNS topic, whose e-mail
# subscription notifies a person. No Lambda: the pipe formats the message from the alert's JSON.
# Variables and outputs of this concern are kept here, next to the resources they configure.

variable "budgets_prefix" {
  description = "Key prefix of the budget CSVs in the lake bucket (the job's budgets.path); the job watches it. An empty prefix means no budgets and no alerts until files are uploaded."
  type        = string
  default     = "budgets"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$", var.budgets_prefix))
    error_message = "budgets_prefix must be a relative key prefix without leading or trailing slash."
  }
}

variable "budget_alert_email" {
  description = "E-mail address subscribed to the budget alert topic (it must confirm the subscription). Null for none."
  type        = string
  default     = null
}

variable "budget_burn_factor" {
  description = "Job key budgets.burn.factor: a BURN_RATE alert when a tenant's spend in an hour exceeds this many times its baseline; 0 turns burn-rate alerts off."
  type        = number
  default     = 3

  validation {
    condition     = var.budget_burn_factor >= 0
    error_message = "budget_burn_factor must be 0 (off) or positive."
  }
}

variable "budget_burn_min_usd" {
  description = "Job key budgets.burn.min.usd: a burn-rate alert also needs at least this many USD in the hour."
  type        = number
  default     = 5

  validation {
    condition     = var.budget_burn_min_usd >= 0
    error_message = "budget_burn_min_usd must not be negative."
  }
}

locals {
  budgets_uri = "s3://${local.lake_bucket_name}/${var.budgets_prefix}/"
}

resource "aws_kinesis_stream" "alerts" {
  name             = "${var.name}-budget-alerts"
  retention_period = 24

  encryption_type = "KMS"
  kms_key_id      = "alias/aws/kinesis"

  stream_mode_details {
    stream_mode = "ON_DEMAND"
  }

  tags = local.tags
}

resource "aws_sns_topic" "budget_alerts" {
  name              = "${var.name}-budget-alerts"
  kms_master_key_id = aws_kms_key.this.arn
  tags              = local.tags
}

resource "aws_sns_topic_subscription" "budget_alert_email" {
  count = var.budget_alert_email == null ? 0 : 1

  topic_arn = aws_sns_topic.budget_alerts.arn
  protocol  = "email"
  endpoint  = var.budget_alert_email
}

# The job's execution role also writes the alerts stream and reads the budget CSVs.
data "aws_iam_policy_document" "app_alerts" {
  statement {
    sid       = "WriteAlertStream"
    actions   = ["kinesis:PutRecords"]
    resources = [aws_kinesis_stream.alerts.arn]
  }

  # Listing the budget folder is granted by ListLakeBucket (app.tf, no s3:prefix condition); like
  # the price folder, the S3 file system reads the folder key itself before the files.
  statement {
    sid     = "ReadBudgetTable"
    actions = ["s3:GetObject"]
    resources = [
      "${aws_s3_bucket.this["lake"].arn}/${var.budgets_prefix}",
      "${aws_s3_bucket.this["lake"].arn}/${var.budgets_prefix}/*",
    ]
  }
}

resource "aws_iam_role_policy" "app_alerts" {
  name   = "bedrock-cost-stream-alerts"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.app_alerts.json
}

# ---------------------------------------------------------------------------------------------
# Pipe: alerts stream -> SNS topic, with its own role: read this stream, publish to this topic.
# ---------------------------------------------------------------------------------------------

resource "aws_iam_role" "alerts_pipe" {
  name               = "${var.name}-alerts-pipe"
  assume_role_policy = data.aws_iam_policy_document.alerts_pipe_trust.json
  tags               = local.tags
}

data "aws_iam_policy_document" "alerts_pipe_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["pipes.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "alerts_pipe" {
  statement {
    sid = "ReadAlertStream"
    actions = [
      "kinesis:DescribeStream",
      "kinesis:DescribeStreamSummary",
      "kinesis:GetRecords",
      "kinesis:GetShardIterator",
      "kinesis:ListShards",
    ]
    resources = [aws_kinesis_stream.alerts.arn]
  }

  statement {
    sid       = "PublishAlerts"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.budget_alerts.arn]
  }

  # The topic is encrypted with the module's key.
  statement {
    sid       = "EncryptForTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.this.arn]
  }
}

resource "aws_iam_role_policy" "alerts_pipe" {
  name   = "bedrock-cost-stream-alerts-pipe"
  role   = aws_iam_role.alerts_pipe.id
  policy = data.aws_iam_policy_document.alerts_pipe.json
}

# Kinesis records whose data is JSON are parsed by the pipe: the template reads the alert's fields.
resource "aws_pipes_pipe" "alerts" {
  name     = "${var.name}-budget-alerts"
  role_arn = aws_iam_role.alerts_pipe.arn
  source   = aws_kinesis_stream.alerts.arn
  target   = aws_sns_topic.budget_alerts.arn

  source_parameters {
    kinesis_stream_parameters {
      starting_position      = "TRIM_HORIZON"
      batch_size             = 1
      maximum_retry_attempts = 10
    }
  }

  target_parameters {
    input_template = "<$.data.message> (alert <$.data.alert_type> <$.data.alert_id>, request <$.data.request_id>)"
  }

  tags = local.tags
}

output "alerts_stream_arn" {
  description = "ARN of the Kinesis stream that receives every budget alert as JSON (budgets.alerts.stream.arn); dedupe on alert_id."
  value       = aws_kinesis_stream.alerts.arn
}

output "budget_alerts_topic_arn" {
  description = "SNS topic the budget alerts are published to (subscribe more endpoints here)."
  value       = aws_sns_topic.budget_alerts.arn
}

output "budgets_uri" {
  description = "Where the job reads budget CSVs (budgets.path); upload new or changed files here."
  value       = local.budgets_uri
}
