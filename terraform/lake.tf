# The lake bucket (tables, price CSVs, Athena results) and the code bucket (job jar).

locals {
  # Both buckets get the same baseline: versioning, SSE-S3, no public access, TLS only.
  buckets = {
    lake = local.lake_bucket_name
    code = local.code_bucket_name
  }
}

resource "aws_s3_bucket" "this" {
  for_each = local.buckets

  bucket        = each.value
  force_destroy = var.force_destroy
  tags          = local.tags
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = local.buckets

  bucket                  = aws_s3_bucket.this[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  # Versioning lets a bad price upload or jar be rolled back; the lifecycle below bounds its cost.
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  # SSE-S3 keeps the Flink role free of kms:* grants; SSE-KMS would add per-request KMS cost on
  # every Parquet part the job writes.
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

data "aws_iam_policy_document" "tls_only" {
  for_each = local.buckets

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.this[each.key].arn,
      "${aws_s3_bucket.this[each.key].arn}/*",
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

resource "aws_s3_bucket_policy" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id
  policy = data.aws_iam_policy_document.tls_only[each.key].json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "lake" {
  bucket = aws_s3_bucket.this["lake"].id

  rule {
    id     = "expire-failed-rows"
    status = "Enabled"

    filter {
      prefix = "${var.lake_prefix}/failed/"
    }

    expiration {
      days = var.failed_expiration_days
    }
  }

  rule {
    id     = "expire-athena-results"
    status = "Enabled"

    filter {
      prefix = "${local.athena_results_prefix}/"
    }

    expiration {
      days = var.athena_results_expiration_days
    }
  }

  # Parquet parts are never overwritten, so old versions come only from deletes and price edits.
  rule {
    id     = "bound-old-versions-and-uploads"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "code" {
  bucket = aws_s3_bucket.this["code"].id

  rule {
    id     = "bound-old-jars"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

# On MSF the job reads prices only from pricing.path and pricing.units.path (rows it cannot price are
# written UNPRICED), so ship the repository's table with the stack; the job's watcher picks up later
# uploads. The token price files go to the price folder (the Glue pricing table's location); the unit
# prices (guardrails, images, video, rerank; pricing/units/ of the repository) to the units folder
# beside it, so that Athena, which reads every file below a table's location, never reads them as rows
# of the pricing table.
resource "aws_s3_object" "pricing" {
  for_each = fileset(local.pricing_dir, "*.csv")

  bucket       = aws_s3_bucket.this["lake"].id
  key          = "${var.pricing_prefix}/${each.value}"
  source       = "${local.pricing_dir}/${each.value}"
  source_hash  = filemd5("${local.pricing_dir}/${each.value}")
  content_type = "text/csv"
  tags         = local.tags

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_object" "pricing_units" {
  for_each = fileset("${local.pricing_dir}/units", "*.csv")

  bucket       = aws_s3_bucket.this["lake"].id
  key          = "${local.pricing_units_prefix}/${each.value}"
  source       = "${local.pricing_dir}/units/${each.value}"
  source_hash  = filemd5("${local.pricing_dir}/units/${each.value}")
  content_type = "text/csv"
  tags         = local.tags

  depends_on = [aws_s3_bucket_versioning.this]
}

# The job fails at start when tenant.mapping.path cannot be read: ship the file with the stack.
resource "aws_s3_object" "tenant_mapping" {
  count = var.tenant_mapping_key != null && var.tenant_mapping_file != null ? 1 : 0

  bucket       = aws_s3_bucket.this["lake"].id
  key          = var.tenant_mapping_key
  source       = var.tenant_mapping_file
  source_hash  = filemd5(var.tenant_mapping_file)
  content_type = "text/csv"
  tags         = local.tags

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_object" "jar" {
  count = var.upload_jar ? 1 : 0

  bucket       = aws_s3_bucket.this["code"].id
  key          = var.jar_key
  source       = local.jar_path
  source_hash  = filemd5(local.jar_path)
  content_type = "application/java-archive"
  tags         = local.tags

  # The application pins the object version, which exists only once versioning is on.
  depends_on = [aws_s3_bucket_versioning.this]
}

# A jar uploaded outside Terraform: read its current version so a new upload updates the app.
data "aws_s3_object" "jar" {
  count = var.upload_jar ? 0 : 1

  bucket = aws_s3_bucket.this["code"].id
  key    = var.jar_key
}

# Not an error: prices can also be uploaded later with `aws s3 cp`. Until then every row is
# written UNPRICED, which is worth a warning at plan time.
check "price_table_shipped" {
  assert {
    condition     = length(fileset(local.pricing_dir, "*.csv")) > 0
    error_message = "No price CSVs in ${local.pricing_dir}: the job will write every invocation UNPRICED until price files are uploaded to ${local.pricing_uri}."
  }
}
