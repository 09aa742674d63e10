package com.bedrockcost.cli;

import com.bedrockcost.config.ConfigException;
import com.bedrockcost.config.DidYouMean;
import com.bedrockcost.config.InputKind;
import com.bedrockcost.config.JobConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks a command line before any work starts, so that a mistake costs one line and no waiting:
 * unknown options (with the nearest known one), and paths that cannot work (an output that is a
 * file or cannot be written, a lake or input that is not there, an input folder without files).
 */
final class ArgsValidator {
    /** Options that take no value, for every command. */
    static final Set<String> FLAGS = Set.of("help", "h", "verbose", "quiet", "version");

    private ArgsValidator() {}

    /** The option names {@code command} accepts (without "--"): its own, {@code config}, and every configuration key. */
    static Set<String> options(String command) {
        Set<String> names = new LinkedHashSet<>();
        switch (command) {
            case "run":
                names.addAll(Main.ALIASES.keySet());
                names.add("local-cloud");
                names.add("force");
                break;
            case "report":
                names.addAll(List.of("lake", "out", "from", "to", "tenant", "model", "top", "ingested-since", "budgets"));
                break;
            case "replay":
                names.addAll(Replay.ALIASES.keySet());
                names.addAll(List.of("batch", "rate", "control-every", "owner"));
                break;
            case "restate":
                names.addAll(RestateCommand.OPTIONS);
                break;
            case "prices":
                // prices import takes its own options only, no configuration keys.
                names.addAll(List.of("offer", "out", "mapping", "timeout"));
                names.addAll(FLAGS);
                return names;
            default:
                break;
        }
        names.add("config");
        names.addAll(FLAGS);
        names.addAll(JobConfig.keyNames());
        return names;
    }

    /** Fails on the first option {@code command} does not know, naming the nearest one it does. */
    static void checkOptions(String command, List<String> args) {
        Set<String> known = options(command);
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() == 2) {
                continue;
            }
            String name = a.substring(2);
            int eq = name.indexOf('=');
            boolean inline = eq > 0;
            if (inline) {
                name = name.substring(0, eq);
            }
            if (!known.contains(name)) {
                String hint = DidYouMean.hint(name, known, "--");
                throw new ConfigException("Unknown option '--" + name + "'" + (hint.isEmpty()
                        ? " (`bedrock-cost-stream " + command + " --help` lists the options, `--help keys` every configuration key)" : hint));
            }
            if (!inline && !FLAGS.contains(name) && !name.equals("local-cloud") && !name.equals("force") && !name.equals("dry-run")) {
                i++; // its value
            }
        }
    }

    /** The paths of a run: the lake root must be a folder that can be written; an input folder must hold files. */
    static void checkRun(JobConfig config) {
        writableFolder("--output", config.get(JobConfig.OUTPUT_PATH));
        if (config.isSet(JobConfig.CHECKPOINT_DIR)) {
            writableFolder("--checkpoint.dir", config.get(JobConfig.CHECKPOINT_DIR));
        }
        if (config.input() == InputKind.FILES) {
            String input = config.get(JobConfig.INPUT_PATH);
            if (!isUri(input) && Files.isDirectory(Paths.get(input)) && countFiles(Paths.get(input)) == 0) {
                throw new CliException("The input folder '" + input + "' holds no files: nothing to read"
                        + " (give the folder Bedrock delivers logs to, with its .json.gz files, or a single file)");
            }
        }
    }

    /** The report's lake must exist (the nearest sibling is suggested); its output folder must be writable. */
    static void checkReport(String lake, Path out) {
        checkLake(lake);
        writableFolder("--out", out.toString());
    }

    /** A local lake must exist (the nearest sibling is suggested) and hold invocations/ or failed/. */
    static void checkLake(String lake) {
        if (!isUri(lake)) {
            Path p = Paths.get(lake);
            if (!Files.exists(p)) {
                String hint = siblingHint(p);
                throw new ConfigException("'" + lake + "' given for --lake does not exist"
                        + (hint.isEmpty() ? " (the lake is the --output folder of a run, ./lake by default)" : hint));
            }
            if (!Files.isDirectory(p)) {
                throw new ConfigException("'" + lake + "' given for --lake is a file: give the lake's root folder (the --output of a run)");
            }
            if (!Files.exists(p.resolve("invocations")) && !Files.exists(p.resolve("failed"))) {
                throw new CliException("'" + lake + "' is not a lake: it has no invocations/ or failed/ folder"
                        + " (give the --output folder of a run, ./lake by default)");
            }
        }
    }

    /** A local folder the command writes into: not a file, and writable (or creatable) by this user. */
    static void writableFolder(String option, String location) {
        if (isUri(location) && !location.startsWith("file:")) {
            return; // s3://: the file system says so when the job starts
        }
        Path p = location.startsWith("file:") ? Paths.get(java.net.URI.create(location)) : Paths.get(location);
        p = p.toAbsolutePath().normalize();
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        if (!Files.isDirectory(existing)) {
            throw new ConfigException(existing.equals(p)
                    ? option + " '" + location + "' is a file, not a folder: give a folder (it is created if missing)"
                    : option + " '" + location + "' cannot be created: '" + existing + "' is a file");
        }
        if (!canWrite(existing)) {
            throw new ConfigException(existing.equals(p)
                    ? option + " '" + location + "' is not writable: give a folder you can write to"
                    : option + " '" + location + "' cannot be created: no permission to write in '" + existing + "'");
        }
    }

    /** Whether a file can be created in {@code dir}: tried, because permission bits do not tell (root, read-only mounts, ACLs). */
    private static boolean canWrite(Path dir) {
        try {
            Path probe = Files.createTempFile(dir, ".bedrock-cost-stream-write-check", ".tmp");
            Files.delete(probe);
            return true;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static long countFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new CliException("Cannot list the input folder '" + dir + "': " + e.getMessage());
        }
    }

    private static String siblingHint(Path p) {
        String n = DidYouMean.nearest(String.valueOf(p.getFileName()), siblings(p));
        return n == null ? "" : ": did you mean '" + (p.getParent() == null ? n : p.getParent().resolve(n)) + "'?";
    }

    private static Collection<String> siblings(Path p) {
        Path parent = p.toAbsolutePath().normalize().getParent();
        List<String> names = new ArrayList<>();
        if (parent != null && Files.isDirectory(parent)) {
            try (Stream<Path> s = Files.list(parent)) {
                s.filter(Files::isDirectory).forEach(d -> names.add(d.getFileName().toString()));
            } catch (IOException e) {
                // no suggestion then
            }
        }
        return names;
    }

    private static boolean isUri(String location) {
        return location.contains("://") || location.startsWith("file:");
    }
}
