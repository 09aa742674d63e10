# Glue tables over the lake (columns generated from schemas/), the price table, Athena.

locals {
  projection = var.partition_discovery == "projection"

  # Athena computes year=/month=/day= partitions from these instead of asking Glue; digits = 2
  # matches the job's zero-padded MM and DD folders.
  projection_parameters = {
    "projection.enabled"      = "true"
    "projection.year.type"    = "integer"
    "projection.year.range"   = var.projection_year_range
    "projection.month.type"   = "integer"
    "projection.month.range"  = "1,12"
    "projection.month.digits" = "2"
    "projection.day.type"     = "integer"
    "projection.day.range"    = "1,31"
    "projection.day.digits"   = "2"
  }
}

resource "aws_glue_catalog_database" "this" {
  name        = local.glue_database_name
  description = "bedrock-cost-stream lake: per-invocation Bedrock cost and failed inputs"
  tags        = local.tags
}

resource "aws_glue_catalog_table" "lake" {
  for_each = local.lake_tables

  name          = each.key
  database_name = aws_glue_catalog_database.this.name
  description   = each.value.description
  table_type    = "EXTERNAL_TABLE"

  parameters = merge(
    {
      "EXTERNAL"            = "TRUE"
      "classification"      = "parquet"
      "parquet.compression" = var.output_compression
    },
    local.projection ? merge(local.projection_parameters, {
      "storage.location.template" = "${local.lake_uri}/${each.key}/year=$${year}/month=$${month}/day=$${day}/"
    }) : {}
  )

  dynamic "partition_keys" {
    for_each = each.value.partition_keys
    content {
      name    = partition_keys.value.name
      type    = partition_keys.value.type
      comment = partition_keys.value.comment
    }
  }

  storage_descriptor {
    location      = "${local.lake_uri}/${each.key}/"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"

    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
      parameters = {
        "serialization.format" = "1"
      }
    }

    dynamic "columns" {
      for_each = each.value.columns
      content {
        name    = columns.value.name
        type    = columns.value.type
        comment = columns.value.comment
      }
    }
  }

  lifecycle {
    precondition {
      condition     = [for k in each.value.partition_keys : k.name] == ["year", "month", "day"]
      error_message = "Lake table ${each.key}: partition projection and the job expect partition keys year, month, day."
    }
  }
}

resource "aws_glue_catalog_table" "pricing" {
  name          = "pricing"
  database_name = aws_glue_catalog_database.this.name
  description   = "The price CSVs the job reads (contract columns, all text: cast in queries; empty means 0 or open-ended)."
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    "EXTERNAL"               = "TRUE"
    "classification"         = "csv"
    "skip.header.line.count" = "1"
  }

  storage_descriptor {
    location      = local.pricing_uri
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

    # OpenCSVSerde copes with quoted fields; it reads every column as string, so the columns are
    # declared string rather than letting an empty price fail the whole query.
    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
      parameters = {
        "separatorChar" = ","
        "quoteChar"     = "\""
        "escapeChar"    = "\\"
      }
    }

    dynamic "columns" {
      for_each = local.pricing_columns
      content {
        name    = columns.value.name
        type    = "string"
        comment = columns.value.comment
      }
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Opt-in crawler: registers partitions in Glue for engines that do not do partition projection.
# It crawls the catalog tables above, so it adds partitions but never rewrites their schema.
# ---------------------------------------------------------------------------------------------

resource "aws_iam_role" "crawler" {
  count = local.projection ? 0 : 1

  name               = "${var.name}-glue-crawler"
  assume_role_policy = data.aws_iam_policy_document.crawler_trust.json
  tags               = local.tags
}

data "aws_iam_policy_document" "crawler_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "crawler" {
  statement {
    sid = "RegisterPartitions"
    actions = [
      "glue:BatchCreatePartition",
      "glue:BatchGetPartition",
      "glue:BatchUpdatePartition",
      "glue:CreatePartition",
      "glue:GetDatabase",
      "glue:GetPartition",
      "glue:GetPartitions",
      "glue:GetTable",
      "glue:UpdatePartition",
    ]
    resources = concat(
      [
        "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog",
        aws_glue_catalog_database.this.arn,
      ],
      [for t in aws_glue_catalog_table.lake : t.arn],
    )
  }

  statement {
    sid       = "ListLake"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.this["lake"].arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [var.lake_prefix, "${var.lake_prefix}/*"]
    }
  }

  statement {
    sid       = "ReadLake"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.this["lake"].arn}/${var.lake_prefix}/*"]
  }

  statement {
    sid       = "WriteCrawlerLog"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws-glue/crawlers:*"]
  }
}

resource "aws_iam_role_policy" "crawler" {
  count = local.projection ? 0 : 1

  name   = "register-partitions"
  role   = aws_iam_role.crawler[0].id
  policy = data.aws_iam_policy_document.crawler.json
}

resource "aws_glue_crawler" "lake" {
  count = local.projection ? 0 : 1

  name          = "${var.name}-partitions"
  database_name = aws_glue_catalog_database.this.name
  role          = aws_iam_role.crawler[0].arn
  schedule      = var.crawler_schedule

  catalog_target {
    database_name = aws_glue_catalog_database.this.name
    tables        = [for t in aws_glue_catalog_table.lake : t.name]
  }

  # Catalog targets require LOG on delete; LOG on update keeps the schemas/ columns authoritative.
  schema_change_policy {
    delete_behavior = "LOG"
    update_behavior = "LOG"
  }

  configuration = jsonencode({
    Version = 1.0
    CrawlerOutput = {
      Partitions = { AddOrUpdateBehavior = "InheritFromTable" }
    }
  })

  tags = local.tags

  depends_on = [aws_iam_role_policy.crawler]
}

# ---------------------------------------------------------------------------------------------
# Athena
# ---------------------------------------------------------------------------------------------

resource "aws_athena_workgroup" "this" {
  name          = local.athena_workgroup_name
  description   = "Queries over the bedrock-cost-stream lake"
  force_destroy = var.force_destroy

  configuration {
    # Enforced, so every query's results land encrypted in the lake bucket's expiring prefix.
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena_bytes_scanned_cutoff

    engine_version {
      selected_engine_version = "Athena engine version 3"
    }

    result_configuration {
      output_location = "s3://${aws_s3_bucket.this["lake"].id}/${local.athena_results_prefix}/"

      encryption_configuration {
        encryption_option = "SSE_S3"
      }
    }
  }

  tags = local.tags
}

# Views are saved as named queries rather than Glue VIRTUAL_VIEW tables: a Glue view needs a
# hand-written Presto view blob (base64 JSON with every output column's Presto type) that only
# Athena can check, and a wrong one surfaces as a "stale view" at query time. Running these
# statements once (README: "Create the views") lets Athena itself parse and type each view.
resource "aws_athena_named_query" "views" {
  for_each = local.athena_views

  name        = "create view ${each.key}"
  description = "CREATE OR REPLACE VIEW ${each.key} (from schemas/views/${each.key}.sql)"
  workgroup   = aws_athena_workgroup.this.id
  database    = aws_glue_catalog_database.this.name
  query       = "CREATE OR REPLACE VIEW ${each.key} AS\n${each.value}"
}
