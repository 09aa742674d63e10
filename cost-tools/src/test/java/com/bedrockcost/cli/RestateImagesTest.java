package com.bedrockcost.cli;

import com.bedrockcost.LocalRunner;
import com.bedrockcost.config.JobConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code restate} of invocations billed per generated image: the lake keeps the size and quality the
 * price depends on ({@code image_variant}), so a table that changes a per-image price gives exact
 * adjustments for exactly the images it concerns; rows written before the column existed (a file
 * without it) keep their cost and are counted. Nova Canvas {@code TEXT_IMAGE} requests as the
 * invocation logs carry them ({@code imageGenerationConfig}: numberOfImages, width, height, quality).
 */
class RestateImagesTest {
    private static final String CANVAS = "amazon.nova-canvas-v1:0";
    private static final String UNITS = "charge,model_id,region,effective_from,effective_to,variant,usd,per,source\n"
            + "image," + CANVAS + ",*,2024-01-01,,1024x1024/standard,0.04,1,test\n"
            + "image," + CANVAS + ",*,2024-01-01,,1024x1024/premium,0.06,1,test\n"
            + "image," + CANVAS + ",*,2024-01-01,,2048x2048/standard,0.06,1,test\n"
            + "image," + CANVAS + ",*,2024-01-01,,2048x2048/premium,0.08,1,test\n"
            + "image," + CANVAS + ",*,2024-01-01,,*,0.05,1,test\n";

    @TempDir Path dir;

    /** One Nova Canvas TEXT_IMAGE call; {@code config} is the imageGenerationConfig's fields ("" for none). */
    private static String record(String requestId, String timestamp, String config) {
        return "{\"schemaType\":\"ModelInvocationLog\",\"schemaVersion\":\"1.0\",\"timestamp\":\"" + timestamp + "\","
                + "\"accountId\":\"111122223333\",\"identity\":{\"arn\":\"arn:aws:iam::111122223333:user/bedrock-test\"},"
                + "\"region\":\"us-east-1\",\"requestId\":\"" + requestId + "\",\"operation\":\"InvokeModel\",\"modelId\":\"" + CANVAS + "\","
                + "\"requestMetadata\":{\"tenantId\":\"acme-co\"},"
                + "\"input\":{\"inputContentType\":\"application/json\",\"inputBodyJson\":{\"taskType\":\"TEXT_IMAGE\","
                + "\"textToImageParams\":{\"text\":\"a lighthouse at dusk\"}"
                + (config.isEmpty() ? "" : ",\"imageGenerationConfig\":{" + config + ",\"cfgScale\":8.0,\"seed\":42}")
                + "},\"inputTokenCount\":0},"
                + "\"output\":{\"outputContentType\":\"application/json\",\"outputBodyS3Path\":\"s3://logs/AWSLogs/111122223333/"
                + "BedrockModelInvocationLogs/us-east-1/2026/03/14/12/data/" + requestId + "_output.json.gz\",\"outputTokenCount\":0}}";
    }

    private static Path table(Path folder, String units) throws Exception {
        RestateCommandTest.copyBuiltInTable(folder);
        Files.writeString(folder.resolve("images.csv"), units);
        return folder;
    }

    @Test
    void aChangedPerImagePriceGivesExactAdjustmentsOnceAndOldRowsAreKept() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.writeString(logs.resolve("images.jsonl"), String.join("\n",
                // up to 1024 x 1024, premium: 2 x 0.06, then 2 x 0.07
                record("wide-premium", "2026-03-14T12:00:00Z", "\"numberOfImages\":2,\"width\":1280,\"height\":720,\"quality\":\"premium\""),
                // up to 1024 x 1024, standard: unchanged
                record("small-standard", "2026-03-14T12:05:00Z", "\"numberOfImages\":1,\"width\":512,\"height\":512,\"quality\":\"standard\""),
                // up to 2048 x 2048, premium: unchanged
                record("large-premium", "2026-03-14T12:10:00Z", "\"numberOfImages\":3,\"width\":2048,\"height\":2048,\"quality\":\"premium\""),
                // up to 2048 x 2048, no quality = standard: 3 x 0.06, then 3 x 0.065
                record("large-default", "2026-03-14T13:00:00Z", "\"numberOfImages\":3,\"width\":1536,\"height\":1536"),
                // no size in the request: the * row, 1 x 0.05, then 1 x 0.045
                record("no-size", "2026-03-14T13:30:00Z", ""),
                // another day, whose file is rewritten below as an older job wrote it (no image_variant)
                record("old-row", "2026-03-15T09:00:00Z", "\"numberOfImages\":2,\"width\":1280,\"height\":720,\"quality\":\"premium\"")) + "\n");
        Path lake = dir.resolve("lake");
        LocalRunner.run(JobConfig.defaults().with(Map.of("input.path", logs.toString(), "output.path", lake.toString(),
                "pricing.path", table(dir.resolve("before/pricing"), UNITS).toString(), "checkpoint.interval", "1s",
                "job.parallelism", "1")));

        try (Connection db = DriverManager.getConnection("jdbc:duckdb:")) {
            assertThat(rows(db, "SELECT request_id, image_variant || ' ' || image_cost FROM " + invocations(lake)))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            "wide-premium", "1280x720/premium 0.120000000000",
                            "small-standard", "512x512/standard 0.040000000000",
                            "large-premium", "2048x2048/premium 0.240000000000",
                            "large-default", "1536x1536/standard 0.180000000000",
                            "no-size", "* 0.050000000000",
                            "old-row", "1280x720/premium 0.120000000000"));
            // The day of old-row as a job older than image_variant wrote it: the same rows without the column.
            Path day = lake.resolve("invocations/year=2026/month=03/day=15");
            List<Path> files;
            try (Stream<Path> s = Files.list(day)) {
                files = s.filter(p -> !p.getFileName().toString().startsWith(".")).collect(Collectors.toList());
            }
            assertThat(files).hasSize(1);
            try (Statement st = db.createStatement()) {
                st.execute("COPY (SELECT * EXCLUDE (image_variant) FROM read_parquet('" + files.get(0) + "', hive_partitioning = false))"
                        + " TO '" + day.resolve("part-older-job.parquet") + "' (FORMAT PARQUET)");
            }
            Files.delete(files.get(0));
            assertThat(rows(db, "SELECT request_id, CAST(count(*) AS VARCHAR) FROM " + invocations(lake) + " WHERE image_variant IS NULL GROUP BY 1"))
                    .containsExactlyEntriesOf(Map.of("old-row", "1"));
        }

        Path changed = table(dir.resolve("after/pricing"), UNITS.replace("1024x1024/premium,0.06", "1024x1024/premium,0.07")
                .replace("2048x2048/standard,0.06", "2048x2048/standard,0.065").replace("*,0.05", "*,0.045"));
        Cli restate = new Cli("restate", "--lake", lake.toString(), "--pricing", changed.toString(), "--quiet");
        assertThat(restate.code).as(restate.out + restate.err).isZero();
        assertThat(restate.out).contains("PRICE_CHANGED").contains(CANVAS).contains("Wrote 3 adjustments")
                .contains("Kept: 1 invocations billed per image keep their current cost");
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:")) {
            String adjustments = "read_parquet('" + lake.resolve("adjustments") + "/**/[!.]*.parquet')";
            assertThat(rows(db, "SELECT request_id, reason || ' ' || image_cost_delta || ' ' || total_cost_delta || ' '"
                    + " || old_price_source || ' -> ' || new_price_source FROM " + adjustments))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            "wide-premium", "PRICE_CHANGED 0.020000000000 0.020000000000 pricing/images.csv:3 -> pricing/images.csv:3",
                            "large-default", "PRICE_CHANGED 0.015000000000 0.015000000000 pricing/images.csv:4 -> pricing/images.csv:4",
                            "no-size", "PRICE_CHANGED -0.005000000000 -0.005000000000 pricing/images.csv:6 -> pricing/images.csv:6"));
            // tenant_hourly converges: per hour, its rows sum to invocations plus adjustments.
            String hourly = "read_parquet('" + lake.resolve("tenant_hourly") + "/**/[!.]*.parquet')";
            assertThat(rows(db, "SELECT CAST(window_start AS VARCHAR), CAST(sum(image_cost) AS VARCHAR) FROM " + hourly + " GROUP BY 1"))
                    .containsExactlyInAnyOrderEntriesOf(rows(db, "SELECT CAST(date_trunc('hour', t) AS VARCHAR), CAST(sum(c) AS VARCHAR) FROM"
                            + " (SELECT event_time AS t, image_cost AS c FROM " + invocations(lake) + " UNION ALL SELECT event_time,"
                            + " image_cost_delta FROM " + adjustments + ") GROUP BY 1"));
        }

        Cli again = new Cli("restate", "--lake", lake.toString(), "--pricing", changed.toString(), "--quiet");
        assertThat(again.code).as(again.out + again.err).isZero();
        assertThat(again.out).contains("Diff: no invocation's cost changes.").contains("Nothing to write")
                .contains("Kept: 1 invocations billed per image");
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM read_parquet('" + lake.resolve("adjustments") + "/**/[!.]*.parquet')")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(3);
        }
    }

    private static String invocations(Path lake) {
        return "read_parquet('" + lake.resolve("invocations") + "/**/[!.]*.parquet', union_by_name = true)";
    }

    /** First column → second column, as strings. */
    private static Map<String, String> rows(Connection db, String sql) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private static final class Cli {
        final String out;
        final String err;
        final int code;

        Cli(String... args) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            code = Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
            out = o.toString(StandardCharsets.UTF_8);
            err = e.toString(StandardCharsets.UTF_8);
        }
    }
}
