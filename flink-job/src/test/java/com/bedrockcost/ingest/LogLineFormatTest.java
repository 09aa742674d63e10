package com.bedrockcost.ingest;

import com.bedrockcost.model.FileSkip;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.testutil.LogShapes;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading Bedrock's S3 log files: plain, gzip, several gzip members, Windows line ends, damage. */
class LogLineFormatTest {
    private static final LogGenerator GEN = new LogGenerator(3, 10_000, 50, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(1));

    @TempDir java.nio.file.Path dir;

    /** One element as read: its kind, source and text. */
    private static final class Read {
        final RawInput input;
        final RecordAndPosition<RawInput> position;

        Read(RecordAndPosition<RawInput> p) {
            this.input = p.getRecord();
            this.position = new RecordAndPosition<>(p.getRecord(), p.getOffset(), p.getRecordSkipCount());
        }

        String text() {
            return new String(input.payload, StandardCharsets.UTF_8);
        }
    }

    private static List<Read> read(java.nio.file.Path file) throws IOException {
        return read(file, null);
    }

    private static List<Read> read(java.nio.file.Path file, CheckpointedPosition restoreAt) throws IOException {
        long size = Files.size(file);
        FileSourceSplit split = new FileSourceSplit("s", new Path(file.toUri()), 0, size, 0, size, new String[0], restoreAt);
        LogLineFormat format = new LogLineFormat();
        List<Read> out = new ArrayList<>();
        try (BulkFormat.Reader<RawInput> r = restoreAt == null ? format.createReader(new Configuration(), split)
                : format.restoreReader(new Configuration(), split)) {
            BulkFormat.RecordIterator<RawInput> batch;
            while ((batch = r.readBatch()) != null) {
                RecordAndPosition<RawInput> p;
                while ((p = batch.next()) != null) {
                    if (p.getRecord().kind != RawInput.Kind.FILE) { // the note naming the file's shape (FileShapesTest)
                        out.add(new Read(p));
                    }
                }
                batch.releaseBatch();
            }
        }
        return out;
    }

    private static List<String> records(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(GEN.recordText(i));
        }
        return out;
    }

    private static byte[] gzip(List<String> lines) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(b)) {
            for (String l : lines) {
                out.write((l + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return b.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.write(p, 0, p.length);
        }
        return b.toByteArray();
    }

    private java.nio.file.Path write(String name, byte[] bytes) throws IOException {
        java.nio.file.Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
        return p;
    }

    @Test
    void plainLinesAreRecordsNamedByFileAndLineWithCrlfAndBlankLinesHandled() throws Exception {
        List<String> recs = records(0, 3);
        String text = recs.get(0) + "\r\n\r\n" + recs.get(1) + "\n   \n\t\r\n" + recs.get(2); // no newline at the end
        java.nio.file.Path f = write("a.jsonl", text.getBytes(StandardCharsets.UTF_8));
        List<Read> got = read(f);
        assertThat(got).extracting(r -> r.input.kind).containsOnly(RawInput.Kind.LOG_LINE);
        assertThat(got).extracting(Read::text).containsExactlyElementsOf(recs);
        String file = new Path(f.toUri()).toString();
        assertThat(got).extracting(r -> r.input.source).containsExactly(file + ":1", file + ":3", file + ":6");
        assertThat(got).extracting(r -> r.input.size).containsExactly((long) recs.get(0).length(), (long) recs.get(1).length(), (long) recs.get(2).length());
    }

    @Test
    void linesOfEverySizeAroundTheReadBufferAreReadWholeWithTheirNumbers() throws Exception {
        // The reader fills a 64 KiB buffer: lines end exactly at, just before and just after its
        // edge, span several fills, and blank and CRLF lines sit on the edge too. Each line is a JSON
        // object with a request id of letters: the shape read line by line.
        java.util.Random random = new java.util.Random(7);
        int[] sizes = {17, 18, 100, 65_535, 65_536, 65_537, 65_534, 131_072, 200_000, 3_000, 17};
        List<String> expected = new ArrayList<>();
        List<Integer> expectedLines = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int lineNo = 0;
        for (int round = 0; round < 40; round++) {
            int size = round < sizes.length ? sizes[round] : 17 + random.nextInt(90_000);
            StringBuilder line = new StringBuilder(size).append("{\"requestId\":\"");
            for (int i = 17; i < size; i++) {
                line.append((char) ('a' + random.nextInt(26)));
            }
            line.append("\"}");
            expected.add(line.toString());
            expectedLines.add(++lineNo);
            text.append(line).append(round % 3 == 0 ? "\r\n" : "\n");
            if (round % 4 == 1) {
                text.append(round % 8 == 1 ? "\n" : " \r\n");
                lineNo++;
            }
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        for (java.nio.file.Path f : List.of(write("sizes.jsonl", bytes), write("sizes.json.gz", gzip(List.of(text.toString()))))) {
            List<Read> got = read(f);
            String file = new Path(f.toUri()).toString();
            assertThat(got).extracting(r -> r.input.kind).containsOnly(RawInput.Kind.LOG_LINE);
            assertThat(got).extracting(Read::text).containsExactlyElementsOf(expected);
            assertThat(got).extracting(r -> r.input.source)
                    .containsExactlyElementsOf(expectedLines.stream().map(n -> file + ":" + n).collect(java.util.stream.Collectors.toList()));
            assertThat(got).extracting(r -> r.input.payload.length).containsExactlyElementsOf(
                    expected.stream().map(String::length).collect(java.util.stream.Collectors.toList()));
        }
    }

    @Test
    void everyMemberOfAMultiMemberGzipIsRead() throws Exception {
        List<String> a = records(0, 40);
        List<String> b = records(40, 41);
        List<String> c = records(41, 90);
        java.nio.file.Path f = write("b.json.gz", concat(gzip(a), gzip(b), gzip(c)));
        List<Read> got = read(f);
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        all.addAll(c);
        assertThat(got).extracting(Read::text).containsExactlyElementsOf(all);
        assertThat(got.get(89).input.source).endsWith("b.json.gz:90");
    }

    /** A stream like a network one: short reads, and available() says 0. */
    private static InputStream networkLike(byte[] bytes) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int available() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 7));
            }
        };
    }

    @Test
    void gzipMembersAreAllReadEvenFromAStreamThatReportsNothingAvailable() throws Exception {
        byte[] three = concat(gzip(List.of("one")), gzip(List.of("two")), gzip(List.of("three")));
        // What the fix is for: the JDK's GZIPInputStream stops after the first member on such a stream (JDK-7036144).
        byte[] naive = new GZIPInputStream(networkLike(three), 64 * 1024).readAllBytes();
        assertThat(new String(naive, StandardCharsets.UTF_8)).isEqualTo("one\n");
        byte[] ours = LogLineFormat.openGzip(networkLike(three)).readAllBytes();
        assertThat(new String(ours, StandardCharsets.UTF_8)).isEqualTo("one\ntwo\nthree\n");
    }

    @Test
    void aCutGzipKeepsEveryCompleteRecordBeforeTheDamageAndReportsItOnce() throws Exception {
        List<String> first = records(100, 300);
        List<String> second = records(300, 500);
        byte[] m2 = gzip(second);
        byte[] cut = concat(gzip(first), Arrays.copyOf(m2, m2.length / 2));
        java.nio.file.Path f = write("c.json.gz", cut);
        List<Read> got = read(f);

        Read last = got.get(got.size() - 1);
        assertThat(last.input.kind).isEqualTo(RawInput.Kind.DAMAGED);
        assertThat(last.input.errorType).isEqualTo("TRUNCATED_GZIP");
        List<Read> lines = got.subList(0, got.size() - 1);
        assertThat(lines).extracting(r -> r.input.kind).containsOnly(RawInput.Kind.LOG_LINE);
        // a prefix of the file's records: every one of the first member, and the whole records of the second
        assertThat(lines.size()).isGreaterThan(first.size()).isLessThan(first.size() + second.size());
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(lines).extracting(Read::text).containsExactlyElementsOf(all.subList(0, lines.size()));
        assertThat(last.input.source).endsWith("c.json.gz:" + (lines.size() + 1));
        assertThat(last.input.note).contains("after line " + lines.size());
        // the partial record goes with the damage report, never as a record
        assertThat(all.get(lines.size())).startsWith(new String(last.input.payload, StandardCharsets.UTF_8));

        assertThat(lines).hasSize(completeLines(cut));
    }

    /** How many newline-terminated lines can be inflated from {@code gz} before it breaks. */
    private static int completeLines(byte[] gz) throws IOException {
        int n = 0;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            byte[] buf = new byte[1 << 16];
            int got;
            while ((got = in.read(buf)) > 0) {
                for (int i = 0; i < got; i++) {
                    if (buf[i] == '\n') {
                        n++;
                    }
                }
            }
        } catch (IOException expected) {
            // the cut
        }
        return n;
    }

    /** What a naive reader (BufferedReader over GZIPInputStream) gets from {@code gz} before the damage. */
    private static int naiveLines(byte[] gz) {
        int n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(new ByteArrayInputStream(gz)), StandardCharsets.UTF_8))) {
            while (r.readLine() != null) {
                n++;
            }
        } catch (IOException expected) {
            // the cut
        }
        return n;
    }

    @Test
    void wherevertheGzipIsCutTheRecordsReadAreAPrefixAndTheDamageIsReportedOnce() throws Exception {
        List<String> recs = records(500, 560);
        byte[] whole = gzip(recs);
        int naiveLost = 0;
        for (int k = 1; k <= 40; k++) {
            int at = (int) ((long) whole.length * k / 41);
            java.nio.file.Path f = write("cut-" + k + ".json.gz", Arrays.copyOf(whole, at));
            List<Read> got = read(f);
            assertThat(got).as("cut at " + at).filteredOn(r -> r.input.kind == RawInput.Kind.DAMAGED).hasSize(1);
            assertThat(got.get(got.size() - 1).input.kind).isEqualTo(RawInput.Kind.DAMAGED);
            List<Read> lines = got.subList(0, got.size() - 1);
            assertThat(lines).extracting(Read::text).containsExactlyElementsOf(recs.subList(0, lines.size()));
            assertThat(lines).as("cut at " + at).hasSize(completeLines(Arrays.copyOf(whole, at)));
            if (naiveLines(Arrays.copyOf(whole, at)) < lines.size()) {
                naiveLost++;
            }
        }
        // The naive reader loses lines it had already decoded for most cuts; this reader never does.
        assertThat(naiveLost).isGreaterThan(10);
    }

    @Test
    void largeBodyObjectsPermissionChecksAndOtherFilesAreSkipped() throws Exception {
        List<Read> data = read(write("logs/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/01/00/data/r1_input.json.gz",
                gzip(List.of("{\"messages\":[]}"))));
        List<Read> check = read(write("logs/amazon-bedrock-logs-permission-check", "ok".getBytes(StandardCharsets.UTF_8)));
        List<Read> other = read(write("logs/readme.txt", "hello".getBytes(StandardCharsets.UTF_8)));
        assertThat(data).singleElement().satisfies(r -> {
            assertThat(r.input.kind).isEqualTo(RawInput.Kind.SKIPPED);
            assertThat(r.input.errorType).isEqualTo(FileSkip.LARGE_BODY.name());
            assertThat(r.input.note).isEqualTo(FileSkip.LARGE_BODY.label);
        });
        assertThat(check).singleElement().satisfies(r -> assertThat(r.input.note).isEqualTo("Bedrock permission-check object"));
        assertThat(other).singleElement().satisfies(r -> {
            assertThat(r.input.kind).isEqualTo(RawInput.Kind.DAMAGED);
            assertThat(r.input.errorType).isEqualTo("NOT_A_LOG_FILE");
        });
    }

    @Test
    void aGzNameOnPlainTextIsReadAsTextAndAnEmptyFileIsCountedAsSkipped() throws Exception {
        String record = records(0, 2).get(0);
        List<Read> got = read(write("x.json.gz", record.getBytes(StandardCharsets.UTF_8)));
        assertThat(got).singleElement().satisfies(r -> {
            assertThat(r.input.kind).isEqualTo(RawInput.Kind.LOG_LINE);
            assertThat(r.text()).isEqualTo(record);
        });
        for (String name : List.of("empty.json.gz", "empty.json")) {
            assertThat(read(write(name, new byte[0]))).singleElement().satisfies(r -> {
                assertThat(r.input.kind).isEqualTo(RawInput.Kind.SKIPPED);
                assertThat(r.input.errorType).isEqualTo(FileSkip.EMPTY.name());
            });
        }
    }

    @Test
    void aLineOverTheLimitIsReportedAndTheNextLineStillRead() throws Exception {
        byte[] huge = new byte[LogLineFormat.MAX_LINE_BYTES + 10];
        Arrays.fill(huge, (byte) 'x');
        huge[0] = '{';
        String next = records(0, 1).get(0);
        java.nio.file.Path f = write("big.jsonl", concat(huge, "\n".getBytes(StandardCharsets.UTF_8), next.getBytes(StandardCharsets.UTF_8)));
        List<Read> got = read(f);
        assertThat(got).hasSize(2);
        assertThat(got.get(0).input.kind).isEqualTo(RawInput.Kind.DAMAGED);
        assertThat(got.get(0).input.errorType).isEqualTo("RECORD_TOO_LARGE");
        assertThat(got.get(0).input.size).isEqualTo(huge.length);
        assertThat(got.get(0).input.payload.length).isLessThanOrEqualTo(4096);
        assertThat(got.get(1).text()).isEqualTo(next);
        assertThat(got.get(1).input.source).endsWith("big.jsonl:2");
    }

    @Test
    void aRestoredReaderContinuesAfterTheLastCheckpointedRecord() throws Exception {
        List<String> recs = records(0, 600); // more than one batch of 512
        java.nio.file.Path f = write("r.json.gz", concat(gzip(recs.subList(0, 400)), gzip(recs.subList(400, 600))));
        List<Read> all = read(f);
        for (int k : new int[] {0, 511, 512, 599}) {
            Read at = all.get(k);
            List<Read> rest = read(f, new CheckpointedPosition(at.position.getOffset(), at.position.getRecordSkipCount()));
            assertThat(rest).as("restored after record " + k).extracting(Read::text)
                    .containsExactlyElementsOf(recs.subList(k + 1, recs.size()));
        }
    }

    @Test
    void aRestoredReaderContinuesAfterTheLastCheckpointedValueInEveryJsonValueShape() throws Exception {
        List<String> recs = records(0, 700); // envelopes, array elements and pretty records: more than one batch of 512
        for (java.nio.file.Path f : List.of(write("v/archive", LogShapes.firehoseArchive(recs, 1)),
                write("v/array.json", LogShapes.jsonArray(recs)),
                write("v/pretty.json", LogShapes.prettyRecords(recs)))) {
            List<Read> all = read(f);
            assertThat(all.size()).as("elements of %s", f).isGreaterThan(600);
            for (int k : new int[] {0, 511, 512, all.size() - 2}) {
                Read at = all.get(k);
                List<Read> rest = read(f, new CheckpointedPosition(at.position.getOffset(), at.position.getRecordSkipCount()));
                assertThat(rest).as("%s restored after element %d", f, k).extracting(Read::text)
                        .containsExactlyElementsOf(all.subList(k + 1, all.size()).stream().map(Read::text)
                                .collect(java.util.stream.Collectors.toList()));
            }
        }
    }

    @Test
    void aFileSourceOnAMiniClusterReadsAFolderOfMixedFiles() throws Exception {
        java.nio.file.Path root = dir.resolve("bucket/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/01/00");
        List<String> plain = records(0, 50);
        write("bucket/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/01/00/a.jsonl",
                String.join("\r\n", plain).getBytes(StandardCharsets.UTF_8));
        write("bucket/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/01/00/b.json.gz",
                concat(gzip(records(50, 120)), gzip(records(120, 200))));
        byte[] c = gzip(records(200, 300));
        write("bucket/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/01/00/c.json.gz", Arrays.copyOf(c, c.length - 30));
        write("bucket/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/01/00/data/r_input.json.gz", gzip(List.of("{}")));
        write("bucket/amazon-bedrock-logs-permission-check", new byte[] {'o', 'k'});
        assertThat(root).exists();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        FileSource<RawInput> source = FileSource.forBulkFileFormat(new LogLineFormat(), new Path(dir.resolve("bucket").toUri())).build();
        List<RawInput> got = new ArrayList<>();
        try (CloseableIterator<RawInput> it = env.fromSource(source, WatermarkStrategy.noWatermarks(), "files").executeAndCollect()) {
            it.forEachRemaining(got::add);
        }
        assertThat(got).filteredOn(r -> r.kind == RawInput.Kind.SKIPPED).hasSize(2);
        assertThat(got).filteredOn(r -> r.kind == RawInput.Kind.DAMAGED).singleElement()
                .satisfies(r -> assertThat(r.source).contains("c.json.gz:"));
        List<RawInput> lines = new ArrayList<>();
        for (RawInput r : got) {
            if (r.kind == RawInput.Kind.LOG_LINE) {
                lines.add(r);
            }
        }
        // all of a and b, and the records of c before its cut
        assertThat(lines.size()).isBetween(200, 299);
        assertThat(lines).extracting(r -> r.source).doesNotHaveDuplicates();
        assertThat(lines).extracting(r -> new String(r.payload, StandardCharsets.UTF_8)).allSatisfy(t -> assertThat(t).startsWith("{").endsWith("}"));
    }
}
