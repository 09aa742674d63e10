# Alarms on the job and the stream, to one SNS topic.

locals {
  # Counters the job registers in its `kinesisanalytics` metric group, which MSF forwards to
  # CloudWatch under AWS/KinesisAnalytics with the Application dimension; the decoder's sit in a
  # further Stage=decode group, which becomes a dimension (parse/DecodeMetrics, pricing/PricingFunction).
  # A Flink counter is a running total since the job (re)started, sampled several times a minute:
  # `Sum` over a period adds up samples of a total and means nothing. Each rate alarm therefore reads
  # the counter's `Maximum` per 5 minutes (its value at the end of the period) and takes the increase
  # with DIFF, or the value itself after a restart reset it. terraform/check enforces this shape;
  # the job_metrics_missing alarm says when these counters do not reach CloudWatch at all.
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

# The metric counts failures since the job last started, so alarm on its increase (AWS suggests
# RATE of it); two periods so that DIFF has the previous value.
resource "aws_cloudwatch_metric_alarm" "failed_checkpoints" {
  alarm_name          = "${var.name}-failed-checkpoints"
  alarm_description   = "A checkpoint failed: Parquet files are committed only on checkpoints, so the lake stops advancing."
  evaluation_periods  = 2
  datapoints_to_alarm = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags

  metric_query {
    id          = "failed"
    expression  = "IF(DIFF(failed_total) < 0, failed_total, DIFF(failed_total))"
    label       = "new failed checkpoints"
    return_data = true
  }

  metric_query {
    id = "failed_total"

    metric {
      namespace   = "AWS/KinesisAnalytics"
      metric_name = "numberOfFailedCheckpoints"
      dimensions  = local.app_dimensions
      stat        = "Maximum"
      period      = 300
    }
  }
}

# The rate alarms below stay quiet when the job's counters are missing (no data is not breaching).
# This one says so: the decoder's counter is published every minute while the job runs, even when
# nothing flows, so no sample for 15 minutes means the job is down or its metrics do not reach
# CloudWatch under these dimensions (metrics_level, metric group) and the rate alarms cannot fire.
resource "aws_cloudwatch_metric_alarm" "job_metrics_missing" {
  alarm_name          = "${var.name}-job-metrics-missing"
  alarm_description   = "No ${local.job_metrics.invocations} samples from the job for 15 minutes: the job is down, or its counters do not reach CloudWatch and the failed/unpriced/duplicate rate alarms cannot fire."
  namespace           = "AWS/KinesisAnalytics"
  metric_name         = local.job_metrics.invocations
  dimensions          = local.decode_dimensions
  statistic           = "SampleCount"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags
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
  alarm_description   = "More than ${var.max_failed_record_rate * 100}% of inputs went to failed/ in 2 of 3 five-minute periods (a format change or damaged input)."
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.max_failed_record_rate
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags

  metric_query {
    id          = "rate"
    expression  = "IF(failed + parsed > 0, failed / (failed + parsed), 0)"
    label       = "failed input rate"
    return_data = true
  }

  metric_query {
    id         = "failed"
    expression = "IF(DIFF(failed_total) < 0, failed_total, DIFF(failed_total))"
    label      = "inputs sent to failed/ in the period"
  }

  metric_query {
    id = "failed_total"

    metric {
      namespace   = "AWS/KinesisAnalytics"
      metric_name = local.job_metrics.failed
      dimensions  = local.decode_dimensions
      stat        = "Maximum"
      period      = 300
    }
  }

  metric_query {
    id         = "parsed"
    expression = "IF(DIFF(parsed_total) < 0, parsed_total, DIFF(parsed_total))"
    label      = "invocations decoded in the period"
  }

  metric_query {
    id = "parsed_total"

    metric {
      namespace   = "AWS/KinesisAnalytics"
      metric_name = local.job_metrics.invocations
      dimensions  = local.decode_dimensions
      stat        = "Maximum"
      period      = 300
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "unpriced_rate" {
  alarm_name          = "${var.name}-unpriced-rate"
  alarm_description   = "More than ${var.max_unpriced_rate * 100}% of invocations were written UNPRICED in 2 of 3 five-minute periods: a model is missing from the price table, or the price files cannot be read."
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.max_unpriced_rate
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags

  metric_query {
    id          = "rate"
    expression  = "IF(parsed > 0, unpriced / parsed, 0)"
    label       = "unpriced invocation rate"
    return_data = true
  }

  metric_query {
    id         = "unpriced"
    expression = "IF(DIFF(unpriced_total) < 0, unpriced_total, DIFF(unpriced_total))"
    label      = "invocations written UNPRICED in the period"
  }

  metric_query {
    id = "unpriced_total"

    metric {
      namespace   = "AWS/KinesisAnalytics"
      metric_name = local.job_metrics.unpriced
      dimensions  = local.app_dimensions
      stat        = "Maximum"
      period      = 300
    }
  }

  metric_query {
    id         = "parsed"
    expression = "IF(DIFF(parsed_total) < 0, parsed_total, DIFF(parsed_total))"
    label      = "invocations decoded in the period"
  }

  metric_query {
    id = "parsed_total"

    metric {
      namespace   = "AWS/KinesisAnalytics"
      metric_name = local.job_metrics.invocations
      dimensions  = local.decode_dimensions
      stat        = "Maximum"
      period      = 300
    }
  }
}

# De-duplication drops later copies of a request id (dedup/SeenRequests); a few are normal
# (CloudWatch Logs and Kinesis deliver at least once), many mean a replay or backfill overlapping
# what the lake holds, or a subscription redelivering: nothing is counted twice, but look at the source.
resource "aws_cloudwatch_metric_alarm" "duplicate_rate" {
  alarm_name          = "${var.name}-duplicate-rate"
  alarm_description   = "More than ${var.max_duplicate_rate * 100}% of invocations were duplicates (dropped) in 2 of 3 five-minute periods: a replay overlapping the lake, or redelivery."
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.max_duplicate_rate
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = local.tags

  metric_query {
    id          = "rate"
    expression  = "IF(parsed > 0, duplicates / parsed, 0)"
    label       = "duplicate invocation rate"
    return_data = true
  }

  metric_query {
    id         = "duplicates"
    expression = "IF(DIFF(duplicates_total) < 0, duplicates_total, DIFF(duplicates_total))"
    label      = "duplicate invocations dropped in the period"
  }

  metric_query {
    id = "duplicates_total"

    metric {
      namespace   = "AWS/KinesisAnalytics"
      metric_name = local.job_metrics.duplicates
      dimensions  = local.app_dimensions
      stat        = "Maximum"
      period      = 300
    }
  }

  metric_query {
    id         = "parsed"
    expression = "IF(DIFF(parsed_total) < 0, parsed_total, DIFF(parsed_total))"
    label      = "invocations decoded in the period"
  }

  metric_query {
    id = "parsed_total"

    metric {
      namespace   = "AWS/KinesisAnalytics"
      metric_name = local.job_metrics.invocations
      dimensions  = local.decode_dimensions
      stat        = "Maximum"
      period      = 300
    }
  }
}
