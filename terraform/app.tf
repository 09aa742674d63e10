# The Flink job on Amazon Managed Service for Apache Flink.

locals {
  app_log_stream_name = "application"

  # Each key goes in the property group JobConfig declares for it: the job rejects a key in the
  # wrong group or one it does not know (terraform/check compares these with the job's code).
  msf_property_groups = {
    Input = {
      "input.source" = "kinesis"
    }
    Kinesis = {
      "kinesis.stream.arn"       = aws_kinesis_stream.logs.arn
      "kinesis.region"           = local.region
      "kinesis.initial.position" = var.kinesis_initial_position
    }
    Output = {
      "output.path"        = local.lake_uri
      "output.compression" = var.output_compression
      # Small files merged before they are visible: rows queryable ~N checkpoints (60 s each on MSF) later.
      "output.compaction.checkpoints" = tostring(var.output_compaction_checkpoints)
    }
    Pricing = {
      "pricing.path"               = local.pricing_uri
      "pricing.units.path"         = local.pricing_units_uri
      "pricing.watch.interval"     = var.pricing_watch_interval
      "pricing.aws.offer.enabled"  = tostring(var.pricing_aws_offer_enabled)
      "pricing.aws.offer.interval" = var.pricing_aws_offer_interval
    }
    Budgets = {
      "budgets.path"              = local.budgets_uri
      "budgets.watch.interval"    = var.pricing_watch_interval
      "budgets.alerts.stream.arn" = aws_kinesis_stream.alerts.arn
      "budgets.burn.factor"       = tostring(var.budget_burn_factor)
      "budgets.burn.min.usd"      = tostring(var.budget_burn_min_usd)
    }
    # MSF rejects empty property values, so unset optional keys are left out instead.
    Tenant = {
      for k, v in {
        "tenant.key"              = var.tenant_key
        "tenant.identity.pattern" = var.tenant_identity_pattern
        "tenant.mapping.path"     = var.tenant_mapping_key == null ? "" : "s3://${local.lake_bucket_name}/${var.tenant_mapping_key}"
      } : k => v if v != ""
    }
    Job = {
      "dedup.ttl"                  = var.dedup_ttl
      "watermark.out.of.orderness" = var.watermark_out_of_orderness
    }
  }

  jar_version = var.upload_jar ? aws_s3_object.jar[0].version_id : data.aws_s3_object.jar[0].version_id
}

resource "aws_cloudwatch_log_group" "app" {
  name              = local.app_log_group_name
  retention_in_days = var.app_log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  tags              = local.tags
}

resource "aws_cloudwatch_log_stream" "app" {
  name           = local.app_log_stream_name
  log_group_name = aws_cloudwatch_log_group.app.name
}

# ---------------------------------------------------------------------------------------------
# Execution role: read this stream, write this lake prefix, read the prices and the jar, log and
# publish metrics. Nothing else.
# ---------------------------------------------------------------------------------------------

resource "aws_iam_role" "app" {
  name               = "${var.name}-flink"
  assume_role_policy = data.aws_iam_policy_document.app_trust.json
  tags               = local.tags
}

data "aws_iam_policy_document" "app_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["kinesisanalytics.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:kinesisanalytics:${local.region}:${local.account_id}:application/${local.app_name}"]
    }
  }
}

data "aws_iam_policy_document" "app" {
  statement {
    sid       = "ReadJobJar"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${aws_s3_bucket.this["code"].arn}/${var.jar_key}"]
  }

  # Polling consumer (the job does not register an enhanced fan-out consumer).
  statement {
    sid = "ReadInvocationLogStream"
    actions = [
      "kinesis:DescribeStream",
      "kinesis:DescribeStreamSummary",
      "kinesis:GetRecords",
      "kinesis:GetShardIterator",
      "kinesis:ListShards",
    ]
    resources = [aws_kinesis_stream.logs.arn]
  }

  # Without s3:prefix condition: the S3 file system looks up keys that do not exist (the price
  # folder key, directory markers), and S3 answers such a lookup 404 only to a caller allowed to list
  # the bucket, else 403, which the job cannot tell from a denied read (FlinkRolePolicyTest).
  # The role lists key names of this stack's lake bucket; reading stays limited to the prefixes below.
  statement {
    sid       = "ListLakeBucket"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.this["lake"].arn]
  }

  # Flink's S3 writer uploads part files as multipart uploads completed on checkpoint, and
  # stages small remainders as temporary objects that it reads back and deletes.
  statement {
    sid = "WriteLakeTables"
    actions = [
      "s3:AbortMultipartUpload",
      "s3:DeleteObject",
      "s3:GetObject",
      "s3:ListMultipartUploadParts",
      "s3:PutObject",
    ]
    resources = ["${aws_s3_bucket.this["lake"].arn}/${var.lake_prefix}/*"]
  }

  # The S3 file system opens the price folder by looking at the key <pricing_prefix> itself first
  # (HEAD), then at the objects under it: both must be readable (and so for the unit price folder
  # beside it, <pricing_prefix>-units = local.pricing_units_prefix), or every invocation is UNPRICED
  # (FlinkRolePolicyTest runs the job against this policy).
  statement {
    sid     = "ReadPriceTable"
    actions = ["s3:GetObject"]
    resources = [
      "${aws_s3_bucket.this["lake"].arn}/${var.pricing_prefix}",
      "${aws_s3_bucket.this["lake"].arn}/${var.pricing_prefix}/*",
      "${aws_s3_bucket.this["lake"].arn}/${var.pricing_prefix}-units",
      "${aws_s3_bucket.this["lake"].arn}/${var.pricing_prefix}-units/*",
    ]
  }

  # The tenant mapping file, read once when the job starts.
  dynamic "statement" {
    for_each = var.tenant_mapping_key == null ? [] : [var.tenant_mapping_key]
    content {
      sid       = "ReadTenantMapping"
      actions   = ["s3:GetObject"]
      resources = ["${aws_s3_bucket.this["lake"].arn}/${statement.value}"]
    }
  }

  statement {
    sid       = "FindLogGroups"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
  }

  statement {
    sid       = "FindLogStreams"
    actions   = ["logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.app.arn}:log-stream:*"]
  }

  statement {
    sid       = "WriteApplicationLog"
    actions   = ["logs:PutLogEvents"]
    resources = [aws_cloudwatch_log_stream.app.arn]
  }

  # PutMetricData has no resource-level permissions: "*" is the only resource it accepts.
  statement {
    sid       = "PublishMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "app" {
  name   = "bedrock-cost-stream"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.app.json
}

# ---------------------------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------------------------

resource "aws_kinesisanalyticsv2_application" "this" {
  name                   = local.app_name
  description            = "Per-tenant Bedrock cost from model invocation logs (bedrock-cost-stream)"
  runtime_environment    = "FLINK-1_20"
  service_execution_role = aws_iam_role.app.arn
  start_application      = var.start_application

  application_configuration {
    application_code_configuration {
      code_content_type = "ZIPFILE"

      code_content {
        s3_content_location {
          bucket_arn = aws_s3_bucket.this["code"].arn
          file_key   = var.jar_key
          # Pinning the version makes a new jar an in-place application update.
          object_version = local.jar_version
        }
      }
    }

    environment_properties {
      dynamic "property_group" {
        for_each = { for group, properties in local.msf_property_groups : group => properties if length(properties) > 0 }
        content {
          property_group_id = property_group.key
          property_map      = property_group.value
        }
      }
    }

    flink_application_configuration {
      # DEFAULT would force 60 s / 5 s whatever is sent; CUSTOM makes the variables count.
      checkpoint_configuration {
        configuration_type            = "CUSTOM"
        checkpointing_enabled         = true
        checkpoint_interval           = var.checkpoint_interval_ms
        min_pause_between_checkpoints = var.min_pause_between_checkpoints_ms
      }

      monitoring_configuration {
        configuration_type = "CUSTOM"
        log_level          = var.log_level
        metrics_level      = var.metrics_level
      }

      parallelism_configuration {
        configuration_type   = "CUSTOM"
        parallelism          = var.parallelism
        parallelism_per_kpu  = var.parallelism_per_kpu
        auto_scaling_enabled = var.autoscaling_enabled
      }
    }

    # Snapshots carry the dedup state and the open Parquet uploads across updates and restarts.
    application_snapshot_configuration {
      snapshots_enabled = true
    }

    run_configuration {
      application_restore_configuration {
        application_restore_type = "RESTORE_FROM_LATEST_SNAPSHOT"
      }

      flink_run_configuration {
        allow_non_restored_state = var.allow_non_restored_state
      }
    }
  }

  cloudwatch_logging_options {
    log_stream_arn = aws_cloudwatch_log_stream.app.arn
  }

  tags = local.tags

  # The service checks the role's permissions and the jar when it creates the application.
  depends_on = [aws_iam_role_policy.app, aws_s3_object.jar, aws_s3_object.pricing, aws_s3_object.pricing_units, aws_s3_object.tenant_mapping]

  lifecycle {
    precondition {
      condition     = var.checkpoint_interval_ms > var.min_pause_between_checkpoints_ms
      error_message = "checkpoint_interval_ms must be larger than min_pause_between_checkpoints_ms."
    }
  }
}
