package io.wharf.deployer.targets.docker;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.wharf.outbound.SecretBox;

/**
 * A real Docker engine and a real registry for the Docker target's tests, started on this machine:
 * {@code dockerd} with its own data root, exec root and socket (as e2e/clients.sh runs it), and CNCF
 * Distribution (Debian's {@code docker-registry}) on a free loopback port, from which that engine pulls
 * over plain HTTP. Images are built without a network: a root file system with busybox and a page,
 * imported with {@code docker import} and pushed.
 */
final class PrivateDockerHost implements AutoCloseable {

    private static final List<String> NEEDED = List.of("/usr/sbin/dockerd", "/usr/bin/docker-registry", "/bin/busybox");

    final Path dir;
    final String socket;
    final String registry;
    private final Process registryProcess;
    private final Process dockerd;

    /** Why this machine cannot run the engine, or null when it can. */
    static String missingPrerequisite() throws IOException {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");   // this process's user
        if (!Integer.valueOf(0).equals(uid)) {
            return "dockerd needs root (running as uid " + uid + ")";
        }
        for (String path : NEEDED) {
            if (!Files.isExecutable(Path.of(path))) {
                return path + " is missing (apt-get install -y docker.io docker-registry busybox-static)";
            }
        }
        return findOnPath("docker") == null ? "the docker CLI is missing (apt-get install -y docker.io)" : null;
    }

    /**
     * Starts an engine and a registry for {@code what}; without root or the Debian packages the calling
     * test class is skipped with the reason, except in CI ({@code CI=true}), where that is a failure.
     */
    static PrivateDockerHost startOrSkip(String what) throws Exception {
        String missing = missingPrerequisite();
        if (missing != null) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(what + " needs a real dockerd in CI: " + missing);
            }
            Assumptions.abort("skipped, no real Docker engine can run here: " + missing);
        }
        return new PrivateDockerHost();
    }

    /** A Vert.x on epoll: the target reaches this engine's unix socket only with the native transport. */
    static Vertx nativeVertx() {
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        Assertions.assertTrue(vertx.isNativeTransportEnabled(), "Vert.x runs on epoll");
        return vertx;
    }

    /** The Docker target with a test's timings: quick polls, one second of uptime, short stops. */
    static DockerTarget target(Vertx vertx, SecretBox secrets) {
        return new DockerTarget(vertx, new ObjectMapper(), new DockerTargetConfig() {
            public Duration pollInterval() {
                return Duration.ofMillis(200);
            }

            public Duration minUptime() {
                return Duration.ofSeconds(1);
            }

            public Duration stopTimeout() {
                return Duration.ofSeconds(2);
            }

            public Duration callIdleTimeout() {
                return Duration.ofSeconds(60);
            }
        }, secrets);
    }

    /** Closes what a test class started, any of which may be null (when it was skipped or failed to start). */
    static void closeAll(DockerTarget target, Vertx vertx, PrivateDockerHost host) throws Exception {
        if (target != null) {
            target.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        if (host != null) {
            host.close();
        }
    }

    PrivateDockerHost() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "wharf-dt");
        socket = dir.resolve("docker.sock").toString();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        registry = "127.0.0.1:" + port;
        Files.writeString(dir.resolve("registry.yml"), String.join("\n", "version: 0.1",
                "log:", "  level: warn",
                "storage:", "  filesystem:", "    rootdirectory: " + dir.resolve("registry-data"),
                "http:", "  addr: " + registry, ""));
        registryProcess = new ProcessBuilder("/usr/bin/docker-registry", "serve", dir.resolve("registry.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("exec"));
        Files.writeString(dir.resolve("daemon.json"), "{}");
        dockerd = new ProcessBuilder("/usr/sbin/dockerd", "--config-file", dir.resolve("daemon.json").toString(),
                "--iptables=false", "--ip6tables=false", "--bridge=none", "--storage-driver=vfs",
                "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("exec").toString(),
                "-H", "unix://" + socket, "--pidfile", dir.resolve("docker.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
        waitFor("the registry on " + registry, this::registryAnswers);
        waitFor("dockerd on " + socket, () -> exec(false, "version") != null);
    }

    /** Builds an image whose page says {@code page}, pushes it as {@code repository:tag}, answers the pushed digest. */
    String pushImage(String repository, String tag, String page) throws Exception {
        Path root = dir.resolve("rootfs-" + tag);
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("www"));
        Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
        Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("busybox"));
        Files.writeString(root.resolve("www/index.html"), page);
        Path tar = dir.resolve("rootfs-" + tag + ".tar");
        run(List.of("tar", "-C", root.toString(), "-cf", tar.toString(), "."), Map.of());
        String ref = registry + "/" + repository + ":" + tag;
        docker("import", "--change", "CMD [\"/bin/busybox\", \"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]", tar.toString(), ref);
        docker("push", ref);
        String repoDigest = docker("image", "inspect", "--format", "{{index .RepoDigests 0}}", ref).strip();
        return repoDigest.substring(repoDigest.indexOf('@') + 1);
    }

    /** Runs the docker CLI against this engine; fails on a non-zero exit. */
    String docker(String... args) throws Exception {
        return exec(true, args);
    }

    private String exec(boolean required, String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        try {
            return run(command, Map.of("DOCKER_HOST", "unix://" + socket, "DOCKER_CONFIG", dir.resolve("cli").toString()));
        } catch (Exception e) {
            if (required) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            return null;
        }
    }

    private static String run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    private boolean registryAnswers() {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://" + registry + "/v2/")).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private void waitFor(String what, java.util.function.BooleanSupplier condition) throws Exception {
        try {
            await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .failFast("dockerd or the registry exited", () -> !dockerd.isAlive() || !registryProcess.isAlive())
                    .until(condition::getAsBoolean);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            close();
            throw new IllegalStateException(what + " did not start; dockerd log:\n" + Files.readString(dir.resolve("dockerd.log"))
                    + "\nregistry log:\n" + Files.readString(dir.resolve("registry.log")), e);
        }
    }

    private static Path findOnPath(String name) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(entry, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Stops both processes (dockerd stops its containers first) and deletes their files. */
    @Override
    public void close() throws Exception {
        for (Process process : List.of(dockerd, registryProcess)) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        run(List.of("rm", "-rf", dir.toString()), Map.of());
    }
}
