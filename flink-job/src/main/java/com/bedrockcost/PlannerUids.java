package com.bedrockcost;

import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stable uids for the operators the Table planner makes (the SQL rollup). With
 * {@code table.exec.uid.generation=ALWAYS} the planner names them {@code <n>_<operator>}, but it
 * takes {@code n} from a counter that lives as long as the JVM: the same job built a second time in
 * one JVM (a resubmission to a running JobManager, a test) gets other numbers, and its savepoint
 * state no longer matches. Renumbering from the plan's own first node gives the same uids every time
 * the same query is planned.
 */
final class PlannerUids {
    private static final Pattern PLANNER_UID = Pattern.compile("(\\d+)_(.+)");

    private PlannerUids() {}

    /** Renames the planner-made uids upstream of {@code stream} to {@code <prefix><n - first>_<operator>}. */
    static <T> DataStream<T> renumber(DataStream<T> stream, String prefix) {
        List<Transformation<?>> planned = new ArrayList<>();
        collect(stream.getTransformation(), planned, new HashSet<>());
        int first = Integer.MAX_VALUE;
        for (Transformation<?> t : planned) {
            first = Math.min(first, number(t));
        }
        for (Transformation<?> t : planned) {
            Matcher m = PLANNER_UID.matcher(t.getUid());
            if (m.matches()) {
                t.setUid(prefix + (Integer.parseInt(m.group(1)) - first) + "_" + m.group(2));
            }
        }
        return stream;
    }

    private static int number(Transformation<?> t) {
        Matcher m = PLANNER_UID.matcher(t.getUid());
        return m.matches() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }

    private static void collect(Transformation<?> t, List<Transformation<?>> out, Set<Integer> seen) {
        if (!seen.add(t.getId())) {
            return;
        }
        if (t.getUid() != null && PLANNER_UID.matcher(t.getUid()).matches()) {
            out.add(t);
        }
        for (Transformation<?> input : t.getInputs()) {
            collect(input, out, seen);
        }
    }
}
