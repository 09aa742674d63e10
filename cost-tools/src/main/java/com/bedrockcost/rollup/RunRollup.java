package com.bedrockcost.rollup;

import com.bedrockcost.config.JobConfig;
import com.bedrockcost.lake.CommittedRows;
import com.bedrockcost.lake.DatePartitioner;
import com.bedrockcost.lake.LakeTables;
import com.bedrockcost.model.TenantHourly;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.ReduceFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@code tenant_hourly} of a bounded run (files read once, the generator), computed once its
 * input has ended and its invocations are committed: a Flink job in BATCH runtime mode over the
 * {@code invocations} files the run wrote. Each row becomes a partial sum of its UTC hour, tenant
 * and model ({@link InvocationUsage}, counted by {@link HourlyUsage#add(com.bedrockcost.model.Invocation)}),
 * keyed by (hour, tenant, model) and reduced ({@link HourlyUsage#add(HourlyUsage)}: the sums of the
 * rollup's SQL, {@link TenantHourlyRollup#QUERY}), one {@link TenantHourly#ON_TIME} row per group.
 * Files are read in no time order, so a streaming window would have to hold every hour of the input
 * open until the end, in memory that grows with the number of (hour, tenant, model) groups. In BATCH
 * mode the keyed input is sorted instead, in the TaskManager's managed memory, spilling to disk, and
 * only the current group is held: the heap does not grow with the number of tenants, and hours are
 * complete whatever the order of the files. The sums are the streaming rollup's, to the last decimal:
 * invocations are the table of record. No SQL: planning and code generation cost more CPU than the
 * aggregation itself (measured: docs/performance.md, Where a run's time goes).
 */
public final class RunRollup {
    private RunRollup() {}

    /** A new run's id: its invocation files are named {@code part-<id>-…} ({@link #partPrefix}), merged ones {@code compacted-part-<id>-…}. */
    public static String newRunId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** The part-file prefix of the invocation files of run {@code runId}. */
    public static String partPrefix(String runId) {
        return "part-" + runId;
    }

    /**
     * Adds to {@code env} (a batch environment) the job that writes {@code tenant_hourly} for the
     * invocations of the runs {@code runIds} under the configured output root, into {@code sink} (the
     * lake's {@code tenant_hourly} writer). Returns false, adding nothing, when those runs wrote no invocations.
     */
    public static boolean build(StreamExecutionEnvironment env, JobConfig config, Collection<String> runIds,
                                Sink<TenantHourly> sink) throws IOException {
        List<Path> files = filesWritten(config.get(JobConfig.OUTPUT_PATH), runIds);
        if (files.isEmpty()) {
            return false;
        }
        List<String> paths = files.stream().map(Path::toString).sorted().collect(Collectors.toList());
        env.fromData(paths, Types.STRING).name("invocation files of the run")
                .rebalance()
                .flatMap(new InvocationUsage()).returns(TypeInformation.of(HourlyUsage.class)).name("hourly usage")
                .keyBy(new GroupKey())
                .reduce(new Sum()).name("sum per hour, tenant and model")
                .map(new OnTime()).returns(TypeInformation.of(TenantHourly.class)).name("tenant_hourly")
                .sinkTo(sink).name("tenant_hourly");
        return true;
    }

    /**
     * The committed invocations files of the runs: files named after one of them ({@link #partPrefix}, or
     * {@code compacted-part-<id>-…} when a compaction merged them), each of which must be in a day partition of the lake.
     */
    static List<Path> filesWritten(String root, Collection<String> runIds) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path file : CommittedRows.parquetFiles(new Path(root, LakeTables.INVOCATIONS))) {
            if (!writtenBy(file.getName(), runIds)) {
                continue;
            }
            LocalDate day = DatePartitioner.dayOf(file.toUri().getPath());
            if (day == null) {
                throw new IOException("The invocations file " + file + " is not in a day partition of the lake (" + DatePartitioner.LAYOUT + ")");
            }
            files.add(file);
        }
        return files;
    }

    private static boolean writtenBy(String fileName, Collection<String> runIds) {
        for (String id : runIds) {
            if (fileName.startsWith(partPrefix(id) + "-") || fileName.startsWith(LakeTables.COMPACTED_PREFIX + partPrefix(id) + "-")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The group of a partial sum: its hour, tenant and model (either may be null), as one string that
     * two groups share only when all three are equal (lengths prefix the names, null is its own mark).
     */
    static final class GroupKey implements KeySelector<HourlyUsage, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(HourlyUsage u) {
            StringBuilder key = new StringBuilder().append(u.hourStart);
            for (String part : new String[] {u.tenantId, u.model}) {
                if (part == null) {
                    key.append('|');
                } else {
                    key.append(':').append(part.length()).append(':').append(part);
                }
            }
            return key.toString();
        }
    }

    /** Two partial sums of one group as one. */
    static final class Sum implements ReduceFunction<HourlyUsage> {
        private static final long serialVersionUID = 1L;

        @Override
        public HourlyUsage reduce(HourlyUsage sum, HourlyUsage more) {
            sum.add(more);
            return sum;
        }
    }

    /** A group's sum as its {@link TenantHourly#ON_TIME} row, as the streaming rollup's window emits it. */
    static final class OnTime implements MapFunction<HourlyUsage, TenantHourly> {
        private static final long serialVersionUID = 1L;

        @Override
        public TenantHourly map(HourlyUsage u) {
            return u.row(TenantHourly.ON_TIME);
        }
    }
}
