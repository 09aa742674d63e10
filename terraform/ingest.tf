# Bedrock -> CloudWatch Logs -> subscription filter -> Kinesis.

locals {
  bedrock_large_data_prefix  = "large-data"
  bedrock_s3_delivery_prefix = "invocation-logs"
}

# ---------------------------------------------------------------------------------------------
# KMS key for the log groups and the alarm topic (CloudWatch Logs accepts only customer managed
# keys, and CloudWatch alarms cannot publish to a topic under the AWS managed SNS key)
# ---------------------------------------------------------------------------------------------

resource "aws_kms_key" "this" {
  description             = "${var.name}: log groups (Bedrock invocation logs, Flink application logs) and the alarm topic"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms_key.json
  tags                    = local.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

data "aws_iam_policy_document" "kms_key" {
  # Without the account statement nobody could ever administer or delete the key.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid = "CloudWatchLogsUsesKeyForTheseGroupsOnly"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = [local.bedrock_log_group_arn, local.app_log_group_arn]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublishToEncryptedTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Bedrock model invocation logging (optional: one configuration per account and region)
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "bedrock" {
  count = var.create_bedrock_logging ? 1 : 0

  name              = var.bedrock_log_group_name
  retention_in_days = var.bedrock_log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  tags              = local.tags
}

resource "aws_iam_role" "bedrock_logging" {
  count = var.create_bedrock_logging ? 1 : 0

  name               = "${var.name}-bedrock-logging"
  assume_role_policy = data.aws_iam_policy_document.bedrock_logging_trust.json
  tags               = local.tags
}

data "aws_iam_policy_document" "bedrock_logging_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["bedrock.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:bedrock:${local.region}:${local.account_id}:*"]
    }
  }
}

data "aws_iam_policy_document" "bedrock_logging" {
  # Bedrock writes every record to this one log stream.
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.bedrock_log_group_arn}:log-stream:aws/bedrock/modelinvocations"]
  }
}

resource "aws_iam_role_policy" "bedrock_logging" {
  count = var.create_bedrock_logging ? 1 : 0

  name   = "write-invocation-logs"
  role   = aws_iam_role.bedrock_logging[0].id
  policy = data.aws_iam_policy_document.bedrock_logging.json
}

resource "aws_s3_bucket" "bedrock_logs" {
  count = var.create_bedrock_logging ? 1 : 0

  bucket        = local.bedrock_log_bucket_name
  force_destroy = var.force_destroy
  tags          = local.tags
}

resource "aws_s3_bucket_ownership_controls" "bedrock_logs" {
  count = var.create_bedrock_logging ? 1 : 0

  bucket = aws_s3_bucket.bedrock_logs[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "bedrock_logs" {
  count = var.create_bedrock_logging ? 1 : 0

  bucket                  = aws_s3_bucket.bedrock_logs[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "bedrock_logs" {
  count = var.create_bedrock_logging ? 1 : 0

  bucket = aws_s3_bucket.bedrock_logs[0].id

  # SSE-S3: SSE-KMS would need a key policy for Bedrock as well, for no gain in who can read.
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "bedrock_logs" {
  count = var.create_bedrock_logging ? 1 : 0

  bucket = aws_s3_bucket.bedrock_logs[0].id

  # These objects are prompt and completion bodies: nothing in cost reporting needs them for long.
  rule {
    id     = "expire-log-bodies"
    status = "Enabled"

    filter {}

    expiration {
      days = var.bedrock_log_bucket_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_days
    }
  }
}

data "aws_iam_policy_document" "bedrock_logs_bucket" {
  statement {
    sid     = "BedrockDeliversLogs"
    actions = ["s3:PutObject"]
    resources = [
      for prefix in [local.bedrock_large_data_prefix, local.bedrock_s3_delivery_prefix] :
      "arn:${local.partition}:s3:::${local.bedrock_log_bucket_name}/${prefix}/AWSLogs/${local.account_id}/BedrockModelInvocationLogs/*"
    ]

    principals {
      type        = "Service"
      identifiers = ["bedrock.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:bedrock:${local.region}:${local.account_id}:*"]
    }
  }

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      "arn:${local.partition}:s3:::${local.bedrock_log_bucket_name}",
      "arn:${local.partition}:s3:::${local.bedrock_log_bucket_name}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "bedrock_logs" {
  count = var.create_bedrock_logging ? 1 : 0

  bucket = aws_s3_bucket.bedrock_logs[0].id
  policy = data.aws_iam_policy_document.bedrock_logs_bucket.json

  # A public-access block applied after the policy can reject the apply; order them.
  depends_on = [aws_s3_bucket_public_access_block.bedrock_logs]
}

resource "aws_bedrock_model_invocation_logging_configuration" "this" {
  count = var.create_bedrock_logging ? 1 : 0

  logging_config {
    text_data_delivery_enabled      = var.bedrock_data_delivery.text
    image_data_delivery_enabled     = var.bedrock_data_delivery.image
    embedding_data_delivery_enabled = var.bedrock_data_delivery.embedding
    video_data_delivery_enabled     = var.bedrock_data_delivery.video

    cloudwatch_config {
      log_group_name = aws_cloudwatch_log_group.bedrock[0].name
      role_arn       = aws_iam_role.bedrock_logging[0].arn

      # Bodies over 100 KB (and binary bodies) go here instead of into the log event.
      large_data_delivery_s3_config {
        bucket_name = aws_s3_bucket.bedrock_logs[0].id
        key_prefix  = local.bedrock_large_data_prefix
      }
    }

    dynamic "s3_config" {
      for_each = var.bedrock_s3_delivery ? [1] : []
      content {
        bucket_name = aws_s3_bucket.bedrock_logs[0].id
        key_prefix  = local.bedrock_s3_delivery_prefix
      }
    }
  }

  # Bedrock checks that it can write when the configuration is put.
  depends_on = [aws_s3_bucket_policy.bedrock_logs, aws_iam_role_policy.bedrock_logging]
}

# ---------------------------------------------------------------------------------------------
# Kinesis data stream
# ---------------------------------------------------------------------------------------------

resource "aws_kinesis_stream" "logs" {
  name             = "${var.name}-invocation-logs"
  shard_count      = var.kinesis_stream_mode == "PROVISIONED" ? var.kinesis_shard_count : null
  retention_period = var.kinesis_retention_hours

  # The AWS managed key needs no key policy and no kms:* grants for producers or consumers.
  encryption_type = "KMS"
  kms_key_id      = "alias/aws/kinesis"

  stream_mode_details {
    stream_mode = var.kinesis_stream_mode
  }

  tags = local.tags
}

# ---------------------------------------------------------------------------------------------
# Subscription filter: log group -> stream
# ---------------------------------------------------------------------------------------------

resource "aws_iam_role" "subscription" {
  name               = "${var.name}-logs-to-kinesis"
  assume_role_policy = data.aws_iam_policy_document.subscription_trust.json
  tags               = local.tags
}

data "aws_iam_policy_document" "subscription_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    # Confused deputy: only CloudWatch Logs acting for this account's log groups may assume it.
    condition {
      test     = "StringLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:*"]
    }
  }
}

data "aws_iam_policy_document" "subscription" {
  statement {
    actions   = ["kinesis:PutRecord", "kinesis:PutRecords"]
    resources = [aws_kinesis_stream.logs.arn]
  }
}

resource "aws_iam_role_policy" "subscription" {
  name   = "put-records"
  role   = aws_iam_role.subscription.id
  policy = data.aws_iam_policy_document.subscription.json
}

resource "aws_cloudwatch_log_subscription_filter" "bedrock_to_kinesis" {
  name            = "${var.name}-to-kinesis"
  log_group_name  = var.create_bedrock_logging ? aws_cloudwatch_log_group.bedrock[0].name : var.bedrock_log_group_name
  filter_pattern  = var.subscription_filter_pattern
  destination_arn = aws_kinesis_stream.logs.arn
  role_arn        = aws_iam_role.subscription.arn

  # Bedrock writes every record to one log stream, so ByLogStream would put all traffic on one
  # shard. Random spreads it; the job de-duplicates and does not rely on order.
  distribution = "Random"

  # CloudWatch Logs tests the destination with the role when the filter is created.
  depends_on = [aws_iam_role_policy.subscription]
}
