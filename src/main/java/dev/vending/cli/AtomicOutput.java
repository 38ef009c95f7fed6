package dev.vending.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import dev.vending.failure.BadInput;
import dev.vending.failure.Failure;

/**
 * Writes command output to stdout or to a file. A file is written to a temporary sibling and
 * renamed over the target, so a failure never leaves a partial or truncated file behind.
 */
public final class AtomicOutput {
    private AtomicOutput() {
    }

    /** Refuses targets that cannot be written, before any work is done. */
    public static void checkWritable(String option, Path target) {
        if (target == null) {
            return;
        }
        if (target.toString().isBlank()) {
            throw new BadInput(option, "file name is empty");
        }
        if (Files.isDirectory(target)) {
            throw new BadInput(option, "'" + target + "' is a directory; give a file name");
        }
        Path parent = target.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new BadInput(option, "directory '" + (parent == null ? target : parent) + "' does not exist");
        }
        if (!Files.isWritable(parent) || Files.exists(target) && !Files.isWritable(target)) {
            throw new BadInput(option, "'" + target + "' is not writable");
        }
    }

    public static void write(Path target, String content, PrintWriter stdout) throws IOException {
        if (target == null) {
            stdout.print(content);
            stdout.flush();
            return;
        }
        writeFile(target, content);
    }

    public static void writeFile(Path target, String content) throws IOException {
        try {
            replace(target, content);
        } catch (IOException e) {
            // e.g. a file name too long for the file system: one line, not an exception's text
            String reason = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : Main.describe(e);
            throw new Failure(Failure.Kind.IO, "cannot write '" + target + "': " + reason, e);
        }
    }

    private static void replace(Path target, String content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            // temp files are created 0600; give the result what a plain write would (or keep the target's)
            try {
                Files.setPosixFilePermissions(tmp, Files.exists(abs) ? Files.getPosixFilePermissions(abs)
                        : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep the defaults
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
