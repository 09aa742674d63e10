package com.bedrockcost.ingest;

import com.bedrockcost.model.FileSkip;

import org.apache.flink.core.fs.Path;

import javax.annotation.Nullable;

import java.util.regex.Pattern;

/**
 * Which objects of Bedrock's S3 delivery layout are not logs, by where they sit, never by a folder
 * name alone: the user's prefix may hold any folder, {@code data} included (domain: backfill-formats §1).
 */
public final class InputLayout {
    /** The name of the object Bedrock writes at the prefix to check its permission to write. */
    public static final String PERMISSION_CHECK_NAME = "amazon-bedrock-logs-permission-check";
    /** {@code …/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/data/…}: the large-body folder inside an hour folder. */
    private static final Pattern LARGE_BODY_FOLDER = Pattern.compile(
            ".*/BedrockModelInvocationLogs/[a-z0-9-]+/\\d{4}/\\d{2}/\\d{2}/\\d{2}/data/.*");
    /** A body object's name: {@code <request id>_input.json.gz}, {@code <request id>_output.json.gz} (and other endings). */
    private static final Pattern BODY_NAME = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}_(input|output)([._].*)?");

    private InputLayout() {}

    /** Why {@code path} is skipped without being opened, or null when it is read. */
    @Nullable
    public static FileSkip skipByPath(Path path) {
        String name = path.getName();
        if (name.equals(PERMISSION_CHECK_NAME)) {
            return FileSkip.PERMISSION_CHECK;
        }
        if (LARGE_BODY_FOLDER.matcher(path.toUri().getPath()).matches()) {
            return FileSkip.LARGE_BODY;
        }
        return null;
    }

    /**
     * Whether {@code path} is named like a large-body object; such a file is skipped only when its
     * content is a body rather than records (decided by {@link ShapeSniffer}).
     */
    public static boolean bodyName(Path path) {
        return BODY_NAME.matcher(path.getName()).matches();
    }
}
