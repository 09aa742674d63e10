# Everything derived from the schema files, kept free of resource references so the offline
# check can evaluate exactly this file with `terraform console` and compare it with schemas/.

locals {
  # Every <table>.json in the schemas folder is a lake table: a new rollup schema gets its Glue
  # table without touching this module.
  lake_tables = {
    for f in fileset(local.schemas_dir, "*.json") :
    trimsuffix(f, ".json") => jsondecode(file("${local.schemas_dir}/${f}"))
  }

  # One Athena view per file; the file name (without .sql) is the view name. Whole-line "--"
  # comments are dropped: Athena stores a view's text, and a comment there outlives its reason.
  athena_views = {
    for f in fileset("${local.schemas_dir}/views", "*.sql") :
    trimsuffix(f, ".sql") => trimspace(join("\n", [
      for line in split("\n", file("${local.schemas_dir}/views/${f}")) : line
      if !startswith(trimspace(line), "--")
    ]))
  }

  # A view may read another view (invocations_current: the current cost of each invocation), so
  # the views are created in this order: those that read lake tables only, then those that read
  # one of them (output athena_view_query_ids_in_order; README: "Create the views").
  athena_view_reads = {
    for name, sql in local.athena_views : name => [
      for other in keys(local.athena_views) : other
      if other != name && length(regexall("(?i)\\bFROM\\s+${other}\\b", sql)) > 0
    ]
  }
  athena_view_order = concat(
    [for name, reads in local.athena_view_reads : name if length(reads) == 0],
    [for name, reads in local.athena_view_reads : name if length(reads) > 0],
  )

  # The price CSVs are read by position (Hive CSV SerDes ignore the header), so this order is the
  # contract's column order; the offline check compares it with every CSV header in pricing/.
  pricing_columns = [
    { name = "model_id", comment = "canonical Bedrock model id" },
    { name = "region", comment = "region of the invocation, or * for all" },
    { name = "effective_from", comment = "UTC date or instant, inclusive" },
    { name = "effective_to", comment = "exclusive; empty = open ended" },
    { name = "input_per_mtok", comment = "USD per million input tokens" },
    { name = "output_per_mtok", comment = "USD per million output tokens" },
    { name = "cache_read_per_mtok", comment = "USD per million cache-read tokens; empty = 0" },
    { name = "cache_write_per_mtok", comment = "USD per million cache-write tokens; empty = 0" },
    { name = "min_prompt_tokens", comment = "long-context tier threshold; empty = 0" },
    { name = "profile_scope", comment = "in-region, geo, global or *" },
    { name = "cache_write_1h_per_mtok", comment = "USD per million 1-hour cache-write tokens" },
    { name = "note", comment = "free text: where the price came from" },
  ]
}
