package io.wharf.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the command-line tools the manifests are checked with (kubectl, docker-compose). */
final class Processes {

    record Result(int exitCode, String stdout, String stderr) {
    }

    private Processes() {
    }

    /**
     * Runs {@code command} in the repository root with the given environment changes (a null value
     * removes the variable). A tool missing from PATH fails the test with {@code howToInstall}:
     * these checks must not pass by being skipped.
     */
    static Result run(List<String> command, Map<String, String> environment, String howToInstall) {
        requireOnPath(command.get(0), howToInstall);
        try {
            Path out = Files.createTempFile("wharf-manifests", ".out");
            Path err = Files.createTempFile("wharf-manifests", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(ServiceModule.root().toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                environment.forEach((k, v) -> {
                    if (v == null) {
                        builder.environment().remove(k);
                    } else {
                        builder.environment().put(k, v);
                    }
                });
                Process process = builder.start();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    fail(String.join(" ", command) + " did not finish within 120 s");
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void requireOnPath(String tool, String howToInstall) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        fail(tool + " is not on PATH, so the deployment manifests cannot be checked: " + howToInstall
                + ", then run the tests again.");
    }
}
