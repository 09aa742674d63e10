# Alarms on the job and the stream, to one SNS topic.

locals {
  # Counters the job registers in its `kinesisanalytics` metric group, which MSF forwards to
  # CloudWatch under AWS/KinesisAnalytics with the Application dimension; the decoder's sit in a
  # further Stage=decode group, which becomes a dimension (parse/DecodeMetrics, pricing/PricingFunction).
  job_metrics = {
    invocations = "decodeParsed"
    failed      = "decodeFailed"
    unpriced    = "unpricedInvocations"
    duplicates  = "duplicatesDropped"
  }

  app_dimensions    = { Application = aws_kinesisanalyticsv2_application.this.name }
  decode_dimensions = { Application = aws_kinesisanalyticsv2_application.this.name, Stage = "decode" }
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = aws_kms_key.this.arn
  tags              = local.tags
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# No metrics at all means the application is not running: that is downtime too.
resource "aws_cloudwatch_metric_alarm" "downtime" {
  alarm_name          = "${var.name}-downtime"
  alarm_description   = "The Flink job has been down (restarting, failing or stopped) for 5 minutes."
  namespace           = "AWS/KinesisAnalytics"
  metric_name         = "downtime"
  dimensions          = local.app_dimensions
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}

# The metric counts failures since the job last started, so alarm on its increase.
resource "aws_cloudwatch_metric_alarm" "failed_checkpoints" {
  alarm_name          = "${var.name}-failed-checkpoints"
  alarm_description   = "A checkpoint failed: Parquet files are committed only on checkpoints, so the lake stops advancing."
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags

  metric_query {
    id          = "increase"
    expression  = "DIFF(failed)"
    label       = "new failed checkpoints"
    return_data = true
  }

  metric_query {
    id = "failed"

    metric {
      namespace   = "AWS/KinesisAnalytics"
      metric_name = "numberOfFailedCheckpoints"
      dimensions  = local.app_dimensions
      stat        = "Maximum"
      period      = 300
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "behind_latest" {
  alarm_name          = "${var.name}-behind-latest"
  alarm_description   = "The job lags the Kinesis stream by more than ${var.max_millis_behind_latest} ms for 15 minutes."
  namespace           = "AWS/KinesisAnalytics"
  metric_name         = "millisBehindLatest"
  dimensions          = local.app_dimensions
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.max_millis_behind_latest
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}

# CloudWatch Logs retries throttled deliveries for 24 hours, then drops them.
resource "aws_cloudwatch_metric_alarm" "stream_throttled" {
  alarm_name          = "${var.name}-stream-write-throttled"
  alarm_description   = "Writes from the subscription filter to the stream are throttled: raise shards or use ON_DEMAND before CloudWatch Logs gives up."
  namespace           = "AWS/Kinesis"
  metric_name         = "WriteProvisionedThroughputExceeded"
  dimensions          = { StreamName = aws_kinesis_stream.logs.name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "failed_record_rate" {
  alarm_name          = "${var.name}-failed-record-rate"
  alarm_description   = "More than ${var.max_failed_record_rate * 100}% of inputs went to failed/ over 15 minutes (a format change or damaged input)."
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.max_failed_record_rate
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags

  metric_query {
    id          = "rate"
    expression  = "IF(failed + written > 0, failed / (failed + written), 0)"
    label       = "failed input rate"
    return_data = true
  }

  metric_query {
    id = "failed"

    metric {
      namespace   = "AWS/KinesisAnalytics"
      metric_name = local.job_metrics.failed
      dimensions  = local.decode_dimensions
      stat        = "Sum"
      period      = 900
    }
  }

  metric_query {
    id = "written"

    metric {
      namespace   = "AWS/KinesisAnalytics"
      metric_name = local.job_metrics.invocations
      dimensions  = local.decode_dimensions
      stat        = "Sum"
      period      = 900
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "unpriced_rate" {
  alarm_name          = "${var.name}-unpriced-rate"
  alarm_description   = "More than ${var.max_unpriced_rate * 100}% of invocations were written UNPRICED over 15 minutes: a model is missing from the price table."
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.max_unpriced_rate
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags

  metric_query {
    id          = "rate"
    expression  = "IF(written > 0, unpriced / written, 0)"
    label       = "unpriced invocation rate"
    return_data = true
  }

  metric_query {
    id = "unpriced"

    metric {
      namespace   = "AWS/KinesisAnalytics"
      metric_name = local.job_metrics.unpriced
      dimensions  = local.app_dimensions
      stat        = "Sum"
      period      = 900
    }
  }

  metric_query {
    id = "written"

    metric {
      namespace   = "AWS/KinesisAnalytics"
      metric_name = local.job_metrics.invocations
      dimensions  = local.decode_dimensions
      stat        = "Sum"
      period      = 900
    }
  }
}

# De-duplication drops later copies of a request id (dedup/SeenRequests); a few are normal
# (CloudWatch Logs and Kinesis deliver at least once), many mean a replay or backfill overlapping
# what the lake holds, or a subscription redelivering: nothing is counted twice, but look at the source.
resource "aws_cloudwatch_metric_alarm" "duplicate_rate" {
  alarm_name          = "${var.name}-duplicate-rate"
  alarm_description   = "More than ${var.max_duplicate_rate * 100}% of invocations were duplicates (dropped) over 15 minutes: a replay overlapping the lake, or redelivery."
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.max_duplicate_rate
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags

  metric_query {
    id          = "rate"
    expression  = "IF(written > 0, duplicates / written, 0)"
    label       = "duplicate invocation rate"
    return_data = true
  }

  metric_query {
    id = "duplicates"

    metric {
      namespace   = "AWS/KinesisAnalytics"
      metric_name = local.job_metrics.duplicates
      dimensions  = local.app_dimensions
      stat        = "Sum"
      period      = 900
    }
  }

  metric_query {
    id = "written"

    metric {
      namespace   = "AWS/KinesisAnalytics"
      metric_name = local.job_metrics.invocations
      dimensions  = local.decode_dimensions
      stat        = "Sum"
      period      = 900
    }
  }
}
