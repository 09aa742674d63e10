package com.bedrockcost.rollup;

import com.bedrockcost.lake.LakeTables;
import com.bedrockcost.lake.TableSchema;
import com.bedrockcost.model.TenantHourly;

import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The columns of {@code tenant_hourly} have one definition, {@code schemas/tenant_hourly.json}; every
 * place that spells them again is held to it here, so that a column added to (or removed from) the
 * schema fails until each place follows: the row type ({@link TenantHourly}), the partial sum
 * ({@link HourlyUsage}) and its row, the streaming rollup's SQL ({@link TenantHourlyRollup#QUERY}) and
 * its result mapping, the batch rollup's input ({@link RunRollup#USAGE_COLUMNS}), and the lake writer's
 * columns ({@link LakeTables#tenantHourlyColumns}).
 */
class HourlyColumnsTest {
    /** Columns of a row that are not sums of the hour's invocations: set when the row is made. */
    private static final Set<String> PER_ROW = Set.of("window_start", "window_end", "latency_ms_avg", "row_kind");
    /** Columns the rollup's SQL does not output: derived from others when its result becomes a row. */
    private static final Set<String> AFTER_QUERY = Set.of("latency_ms_avg", "row_kind");

    private static List<TableSchema.Column> schema() {
        return TableSchema.load(LakeTables.TENANT_HOURLY).columns();
    }

    private static Set<String> columns() {
        return schema().stream().map(c -> c.name).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> summed() {
        Set<String> out = new TreeSet<>(columns());
        out.removeAll(PER_ROW);
        return out;
    }

    @Test
    void theRowTypeHasAFieldPerColumn() {
        assertThat(fields(TenantHourly.class)).isEqualTo(camel(columns()));
    }

    @Test
    void thePartialSumHasAFieldPerSummedColumnAndItsHour() {
        Set<String> expected = camel(summed());
        expected.add("hourStart");
        assertThat(fields(HourlyUsage.class)).isEqualTo(expected);
    }

    @Test
    void theStreamingRollupsQuerySumsEveryPartialAndOutputsEveryColumn() {
        Set<String> inputs = matches("`([a-z][A-Za-z0-9]*)`", TenantHourlyRollup.QUERY);
        Set<String> expectedInputs = camel(summed());
        assertThat(inputs).isEqualTo(expectedInputs);
        Set<String> outputs = matches("\\bAS ([a-z][a-z0-9_]*)\\s*(?:,|\\n|$)", TenantHourlyRollup.QUERY);
        outputs.addAll(List.of("window_start", "window_end", "model"));
        Set<String> expectedOutputs = new TreeSet<>(columns());
        expectedOutputs.removeAll(AFTER_QUERY);
        assertThat(outputs).isEqualTo(expectedOutputs);
    }

    @Test
    void theBatchRollupsInputHasEveryPartialSum() {
        Set<String> aliases = matches("AS `([A-Za-z0-9]+)`", RunRollup.USAGE_COLUMNS);
        aliases.add("model"); // read as it is named in invocations
        assertThat(aliases).isEqualTo(camel(summed()));
    }

    @Test
    void aResultRowOfTheQueryFillsEveryColumnOfTheRow() throws Exception {
        Row r = Row.withNames();
        long n = 1;
        for (TableSchema.Column c : schema()) {
            if (!AFTER_QUERY.contains(c.name)) {
                r.setField(c.name, value(c.type, n++));
            }
        }
        assertEveryFieldSet(new TenantHourlyRollup.FromRow().map(r));
    }

    @Test
    void aPartialSumsRowFillsEveryColumn() throws Exception {
        HourlyUsage u = new HourlyUsage();
        long n = 1;
        for (Field f : publicFields(HourlyUsage.class)) {
            f.set(u, f.getType() == long.class || f.getType() == Long.class ? (Object) (n++ * 3_600_000L)
                    : f.getType() == BigDecimal.class ? BigDecimal.valueOf(n++) : "s" + n++);
        }
        assertEveryFieldSet(u.row(TenantHourly.ADJUSTMENT));
    }

    @Test
    void theLakeWriterWritesEveryColumnOfTheRow() throws Exception {
        HourlyUsage u = new HourlyUsage();
        for (Field f : publicFields(HourlyUsage.class)) {
            f.set(u, f.getType() == long.class || f.getType() == Long.class ? (Object) 7_200_000L
                    : f.getType() == BigDecimal.class ? BigDecimal.ONE : "s");
        }
        TenantHourly row = u.row(TenantHourly.ON_TIME);
        Map<String, ? extends java.util.function.Function<TenantHourly, Object>> getters = LakeTables.tenantHourlyColumns().getters();
        assertThat(new TreeSet<>(getters.keySet())).isEqualTo(columns());
        List<String> empty = new ArrayList<>();
        getters.forEach((column, getter) -> {
            if (getter.apply(row) == null) {
                empty.add(column);
            }
        });
        assertThat(empty).as("columns the writer leaves empty for a row with every field set").isEmpty();
    }

    private static Object value(String type, long n) {
        if (type.equals("bigint")) {
            return n;
        }
        if (type.startsWith("decimal(")) {
            return BigDecimal.valueOf(n);
        }
        if (type.equals("timestamp")) {
            return LocalDateTime.of(2026, 3, 4, (int) n % 24, 0);
        }
        return "s" + n;
    }

    /** Every field of the row holds a value (not null, not 0): each column of the schema was carried over. */
    private static void assertEveryFieldSet(TenantHourly h) throws IllegalAccessException {
        List<String> unset = new ArrayList<>();
        for (Field f : publicFields(TenantHourly.class)) {
            Object v = f.get(h);
            if (v == null || (v instanceof Long && (Long) v == 0L) || v.equals(Instant.EPOCH)) {
                unset.add(f.getName());
            }
        }
        assertThat(unset).as("fields of TenantHourly left unset").isEmpty();
    }

    private static Set<String> fields(Class<?> c) {
        return publicFields(c).stream().map(Field::getName).collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<Field> publicFields(Class<?> c) {
        List<Field> out = new ArrayList<>();
        for (Field f : c.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && !Modifier.isStatic(m)) {
                out.add(f);
            }
        }
        return out;
    }

    private static Set<String> camel(Set<String> snake) {
        Set<String> out = new TreeSet<>();
        for (String s : snake) {
            StringBuilder b = new StringBuilder();
            boolean up = false;
            for (char ch : s.toCharArray()) {
                if (ch == '_') {
                    up = true;
                } else {
                    b.append(up ? Character.toUpperCase(ch) : ch);
                    up = false;
                }
            }
            out.add(b.toString());
        }
        return out;
    }

    private static Set<String> matches(String regex, String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return new TreeSet<>(out);
    }
}
