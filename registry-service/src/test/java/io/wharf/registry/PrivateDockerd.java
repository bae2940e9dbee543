package io.wharf.registry;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Docker daemon of a test's own (as CLIENTS.md starts one: vfs storage, no networking set-up, its
 * own data, exec root and socket), with the {@code daemon.json} the test gives, and the docker CLI
 * pointed at it with a private client configuration. Needs root. Stopped by its PID, with the
 * containerd it started.
 */
final class PrivateDockerd implements AutoCloseable {

    static final String DOCKERD = "/usr/sbin/dockerd";

    private final Path dir;
    private final Process process;

    private PrivateDockerd(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    static boolean available() {
        return Files.isExecutable(Path.of(DOCKERD)) && "root".equals(System.getProperty("user.name"));
    }

    /** Starts a daemon with this {@code daemon.json} and waits until it answers. */
    static PrivateDockerd start(String daemonJson) throws IOException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "wd-"); // a socket path must stay short
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("exec"));
        Files.createDirectories(dir.resolve("config"));
        Files.writeString(dir.resolve("daemon.json"), daemonJson);
        Process process = new ProcessBuilder(DOCKERD, "--config-file", dir.resolve("daemon.json").toString(),
                "--iptables=false", "--ip6tables=false", "--bridge=none", "--storage-driver=vfs",
                "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("exec").toString(),
                "-H", "unix://" + dir.resolve("docker.sock"), "--pidfile", dir.resolve("docker.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
        PrivateDockerd dockerd = new PrivateDockerd(dir, process);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("dockerd exited: " + Files.readString(dir.resolve("dockerd.log")));
                }
                return dockerd.docker("version").exit() == 0;
            });
        } catch (RuntimeException e) {
            dockerd.close();
            throw e;
        }
        return dockerd;
    }

    /** What a docker CLI command printed, and how it exited. */
    record Result(int exit, String output) {
    }

    Result docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DOCKER_HOST", "unix://" + dir.resolve("docker.sock"));
        builder.environment().put("DOCKER_CONFIG", dir.resolve("config").toString());
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, output + "\n(timed out)");
        }
        return new Result(p.exitValue(), output);
    }

    /** The daemon's log, for failure messages. */
    String log() throws IOException {
        return Files.readString(dir.resolve("dockerd.log"));
    }

    @Override
    public void close() throws IOException {
        Path containerdPid = dir.resolve("exec/containerd/containerd.pid");
        String containerd = Files.exists(containerdPid) ? Files.readString(containerdPid).trim() : null;
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            if (containerd != null && !containerd.isEmpty()) {
                ProcessHandle.of(Long.parseLong(containerd)).ifPresent(h -> {
                    h.destroy();
                    h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> {
                        h.destroyForcibly();
                        return h;
                    }).join();
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Anything dockerd left mounted below its directory, then the directory.
        List<String> mounts = Files.readAllLines(Path.of("/proc/mounts")).stream().map(l -> l.split(" ")[1])
                .filter(m -> m.startsWith(dir + "/")).sorted(Comparator.reverseOrder()).toList();
        for (String m : mounts) {
            try {
                new ProcessBuilder("umount", "-l", m).start().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
