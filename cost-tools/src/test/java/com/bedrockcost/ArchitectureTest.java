package com.bedrockcost;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The direction of the job's imports: cli -> runtime (LocalRunner, StreamingJob, localcloud, localrun) ->
 * pipeline (CostPipeline and the rest of the root package) -> report (reading the outputs back) -> stages
 * (ingest, parse, pricing, budget, rollup, sink; no stage imports another) -> lake -> csvtable ->
 * model, config. A layer may skip layers below it, never import one above it or beside it. The edges that break this today are listed, each with
 * where its class belongs, in {@link #FROZEN}: a new one fails, and an entry whose edge is gone
 * fails until it is deleted, so the list only shrinks. docs/architecture.md explains the layers.
 */
class ArchitectureTest {
    private static final String ROOT = "com.bedrockcost";
    private static final List<String> STAGES = List.of("ingest", "parse", "pricing", "budget", "rollup", "sink");

    /**
     * Today's edges against the layering, class to class (nested classes count as their top-level
     * class). Delete an entry when its class moves; never add one without saying where the class
     * belongs and why it cannot move now. The test reads class files, so an import used only for a
     * compile-time constant is invisible to it; today that is parse.ParseOptions ->
     * ingest.LogLineFormat (MAX_LINE_BYTES), listed in docs/architecture.md.
     */
    static final List<Edge> FROZEN = List.of();

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() throws Exception {
        // The main classes of both modules, flink-job and cost-tools, from where they are (target/classes,
        // or flink-job's jar once packaged): scanning the whole classpath for the package takes seconds.
        classes = new ClassFileImporter().importLocations(List.of(mainClasses(StreamingJob.class), mainClasses(LocalRunner.class)));
    }

    private static Location mainClasses(Class<?> c) throws Exception {
        Path p = Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        return Files.isDirectory(p) ? Location.of(p) : Location.of(new JarFile(p.toFile()));
    }

    @Test
    void importsPointDownTheLayersExceptTheFrozenEdges() {
        LayeredArchitecture layers = layers();
        for (Edge e : FROZEN) {
            layers = layers.ignoreDependency(e.from(), e.to());
        }
        EvaluationResult result = layers.evaluate(classes);
        assertThat(result.hasViolation())
                .as("An import against the layering (cli -> runtime -> pipeline -> stages -> model/config; no stage"
                        + " imports another). Move the code to the layer it belongs in (docs/architecture.md); only if"
                        + " that cannot be done now, add the edge to ArchitectureTest.FROZEN with where the class"
                        + " belongs. A class \"not contained in architecture\" is in a new package: add the package to"
                        + " a layer in ArchitectureTest.layers().\n%s", String.join("\n", result.getFailureReport().getDetails()))
                .isFalse();
    }

    @Test
    void everyFrozenEdgeStillExists() {
        List<Edge> gone = FROZEN.stream().filter(e -> !exists(e)).collect(Collectors.toList());
        assertThat(gone).as("These edges no longer exist: delete them from ArchitectureTest.FROZEN so they cannot come back").isEmpty();
    }

    @Test
    void theMsfJobReachesNoLocalRunnerCliReportOrLocalCloud() {
        noClasses().that().belongToAnyOf(StreamingJob.class)
                .should().transitivelyDependOnClassesThat(belongToAnyOf(LocalRunner.class)
                        .or(resideInAPackage(ROOT + ".cli.."))
                        .or(resideInAPackage(ROOT + ".report.."))
                        .or(resideInAPackage(ROOT + ".localcloud..")))
                .because("the MSF application runs StreamingJob; what it reaches is the job path, and the CLI,"
                        + " the report, the local runner and the emulators' launchers are tools around it")
                .check(classes);
    }

    /** The target layering, without exceptions; every main class must be in one layer. */
    static LayeredArchitecture layers() {
        DescribedPredicate<JavaClass> runtime = belongToAnyOf(LocalRunner.class, StreamingJob.class)
                .or(resideInAPackage(ROOT + ".localcloud.."))
                .or(resideInAPackage(ROOT + ".localrun.."));
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .ensureAllClassesAreContainedInArchitecture()
                .layer("cli").definedBy(ROOT + ".cli..")
                .layer("runtime").definedBy(runtime)
                .layer("pipeline").definedBy(resideInAPackage(ROOT).and(DescribedPredicate.not(runtime)))
                .layer("report").definedBy(ROOT + ".report..");
        for (String stage : STAGES) {
            layers = layers.layer(stage).definedBy(ROOT + "." + stage + "..");
        }
        layers = layers.layer("lake").definedBy(ROOT + ".lake..")
                .layer("csvtable").definedBy(ROOT + ".csvtable..")
                .layer("model").definedBy(ROOT + ".model..")
                .layer("config").definedBy(ROOT + ".config..");

        List<String> above = new ArrayList<>(List.of("cli"));
        layers = layers.whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("runtime").mayOnlyBeAccessedByLayers(names(above));
        above.add("runtime");
        layers = layers.whereLayer("pipeline").mayOnlyBeAccessedByLayers(names(above));
        above.add("pipeline");
        // The report reads the job's outputs (the lake, the budget table) after the fact: a tool beside
        // the pipeline, above the stages, never part of the job.
        layers = layers.whereLayer("report").mayOnlyBeAccessedByLayers(names(above));
        above.add("report");
        for (String stage : STAGES) {
            layers = layers.whereLayer(stage).mayOnlyBeAccessedByLayers(names(above));
        }
        above.addAll(STAGES);
        layers = layers.whereLayer("lake").mayOnlyBeAccessedByLayers(names(above));
        above.add("lake");
        layers = layers.whereLayer("csvtable").mayOnlyBeAccessedByLayers(names(above));
        above.add("csvtable");
        return layers.whereLayer("model").mayOnlyBeAccessedByLayers(names(above))
                .whereLayer("config").mayOnlyBeAccessedByLayers(names(above));
    }

    private static String[] names(List<String> layers) {
        return layers.toArray(new String[0]);
    }

    private static boolean exists(Edge e) {
        for (JavaClass c : classes) {
            if (e.from().test(c)) {
                for (Dependency d : c.getDirectDependenciesFromSelf()) {
                    if (e.to().test(d.getTargetClass())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static Edge edge(String from, String to) {
        return new Edge(ROOT + "." + from, ROOT + "." + to);
    }

    /** A class-to-class import that breaks the layering today. */
    static final class Edge {
        final String from;
        final String to;

        Edge(String from, String to) {
            this.from = from;
            this.to = to;
        }

        DescribedPredicate<JavaClass> from() {
            return topLevel(from);
        }

        DescribedPredicate<JavaClass> to() {
            return topLevel(to);
        }

        private static DescribedPredicate<JavaClass> topLevel(String name) {
            return DescribedPredicate.describe(name, c -> Arrays.asList(c.getName().split("\\$")).get(0).equals(name));
        }

        @Override
        public String toString() {
            return from + " -> " + to;
        }
    }
}
