package com.bedrockcost.bench;

import com.bedrockcost.ingest.LogGenerator;
import com.bedrockcost.lake.LakeTables;
import com.bedrockcost.model.FailedRecord;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.model.RawInput;
import com.bedrockcost.parse.InvocationDecoder;
import com.bedrockcost.parse.ParseOptions;
import com.bedrockcost.pricing.PriceBook;
import com.bedrockcost.pricing.PriceLocation;
import com.bedrockcost.pricing.PriceTable;
import com.bedrockcost.pricing.Pricer;
import com.bedrockcost.sink.LakeSinks;

import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.local.LocalFileSystem;
import org.apache.flink.formats.parquet.ParquetWriterFactory;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cost of writing one priced invocation into the {@code invocations} Parquet table, as the sink does
 * (same schema, dictionary choices and compression), per record: the largest part of the pricing
 * task's CPU in the end-to-end profile. Invocations come from the generator through the real decoder
 * and pricer. Run: {@code org.openjdk.jmh.Main ParquetWriteBenchmark} (see docs/performance.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ParquetWriteBenchmark {
    static final int RECORDS = 50_000;

    @Param({"SNAPPY"})
    public String compression;

    private List<Invocation> invocations;
    private ParquetWriterFactory<Invocation> writers;
    private Path file;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        PriceTable table = PriceBook.empty().apply(PriceLocation.builtIn().read()).book.table();
        LogGenerator gen = new LogGenerator(1, RECORDS, 500, Instant.parse("2026-11-01T00:00:00Z"), Duration.ofDays(1));
        InvocationDecoder decoder = new InvocationDecoder(ParseOptions.defaults());
        invocations = new ArrayList<>(RECORDS);
        InvocationDecoder.Output out = new InvocationDecoder.Output() {
            @Override
            public void invocation(Invocation inv) {
                Pricer.price(inv, table);
                invocations.add(inv);
            }

            @Override
            public void failed(FailedRecord f) {
                throw new IllegalStateException("generated record failed: " + f.errorType);
            }

            @Override
            public void skipped(String source, String reason) {
                throw new IllegalStateException("generated record skipped: " + reason);
            }

            @Override
            public void control(String source) {
                throw new IllegalStateException("no control messages in generated logs");
            }
        };
        for (int i = 0; i < RECORDS; i++) {
            decoder.decode(RawInput.logLine("bench:" + (i + 1), gen.record(i)), 1_795_000_000_000L + i, out);
        }
        writers = LakeSinks.parquet(LakeTables.INVOCATIONS, compression, LakeTables::invocationColumns);
        file = Files.createTempFile("parquet-write-bench", ".parquet");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        System.out.printf("%nlast file: %,d bytes for %,d rows%n", Files.size(file), RECORDS);
        Files.deleteIfExists(file);
    }

    /**
     * Thread CPU time per row, robust on a shared machine where JMH's wall clock is not:
     * {@code java -cp <test classpath> com.bedrockcost.bench.ParquetWriteBenchmark [files [codec]]} writes
     * the file {@code files} times (default 12; codec default SNAPPY) and prints the CPU time per row of
     * each after the first four (warm-up).
     */
    public static void main(String[] args) throws IOException {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        ParquetWriteBenchmark b = new ParquetWriteBenchmark();
        b.compression = args.length > 1 ? args[1] : "SNAPPY";
        b.setUp();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < files; i++) {
            long cpu = threads.getCurrentThreadCpuTime();
            b.writeFile();
            if (i >= 4) {
                System.out.printf("file %d: %,.0f ns CPU per row%n", i + 1, (threads.getCurrentThreadCpuTime() - cpu) / (double) RECORDS);
            }
        }
        b.tearDown();
    }

    /** One file of {@value #RECORDS} rows; the score is per row. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void writeFile() throws IOException {
        FileSystem fs = LocalFileSystem.getSharedInstance();
        try (FSDataOutputStream stream = fs.create(new org.apache.flink.core.fs.Path(file.toUri()), FileSystem.WriteMode.OVERWRITE)) {
            BulkWriter<Invocation> writer = writers.create(stream);
            for (Invocation inv : invocations) {
                writer.addElement(inv);
            }
            writer.finish();
        }
    }
}
