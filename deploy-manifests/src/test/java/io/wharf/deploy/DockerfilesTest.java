package io.wharf.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.fabric8.kubernetes.api.model.apps.Deployment;

/** Each service's {@code src/main/docker/Dockerfile.jvm}, read instruction by instruction. */
class DockerfilesTest {

    /** A Dockerfile's instructions in order (keyword upper case, continuation lines joined). */
    record Dockerfile(List<Map.Entry<String, String>> instructions) {

        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.getKey().equals(keyword)).map(Map.Entry::getValue).toList();
        }

        String last(String keyword) {
            List<String> values = all(keyword);
            return values.isEmpty() ? null : values.get(values.size() - 1);
        }

        /** ENV instructions in the {@code NAME=value} form. */
        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            for (String value : all("ENV")) {
                Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)").matcher(value);
                while (m.find()) {
                    env.put(m.group(1), m.group(2).replace("\"", ""));
                }
            }
            return env;
        }
    }

    static Dockerfile parse(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Map.Entry<String, String>> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String[] parts = current.toString().split("\\s+", 2);
            instructions.add(Map.entry(parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""));
            current.setLength(0);
        }
        return new Dockerfile(instructions);
    }

    static List<String> services() {
        return ServiceModule.NAMES;
    }

    @ParameterizedTest
    @MethodSource("services")
    void imageHoldsTheFastJarAndRunsIt(String name) throws IOException {
        ServiceModule service = ServiceModule.named(name);
        Dockerfile dockerfile = parse(service.dockerfile());
        assertNotNull(dockerfile.last("FROM"), name + ": no FROM");
        List<String> copied = dockerfile.all("COPY").stream().map(c -> c.split("\\s+")[0]).toList();
        for (String part : List.of("lib/", "app/", "quarkus/", "quarkus-run.jar")) {
            assertTrue(copied.contains("target/quarkus-app/" + part), name + ": does not copy target/quarkus-app/" + part);
        }
        assertTrue(copied.stream().allMatch(source -> source.startsWith("target/quarkus-app/")),
                name + ": copies something besides the fast-jar: " + copied);
        assertTrue(dockerfile.last("ENTRYPOINT").contains("quarkus-run.jar"), name + ": does not run quarkus-run.jar");
        assertEquals(String.valueOf(service.httpPort()), dockerfile.last("EXPOSE"), name + ": EXPOSE");
        String ignore = Files.readString(service.dir().resolve(".dockerignore"));
        assertTrue(ignore.lines().anyMatch("*"::equals) && ignore.lines().anyMatch("!target/quarkus-app/"::equals),
                name + ": .dockerignore should send only target/quarkus-app/ to the build");
    }

    @ParameterizedTest
    @MethodSource("services")
    void imageRunsAsTheNonRootUserTheKubernetesPodsDeclare(String name) throws IOException {
        Dockerfile dockerfile = parse(ServiceModule.named(name).dockerfile());
        String user = dockerfile.last("USER");
        assertNotNull(user, name + ": no USER, so the image runs as root");
        String uid = user.split(":")[0];
        assertTrue(uid.matches("\\d+"), name + ": USER " + user + " is not numeric (Kubernetes cannot check runAsNonRoot)");
        assertNotEquals(0, Long.parseLong(uid), name + ": USER is root");
        for (String overlay : List.of("dev", "prod")) {
            Long podUser = RenderedOverlay.of(overlay).get(Deployment.class, name).getSpec().getTemplate().getSpec()
                    .getSecurityContext().getRunAsUser();
            assertEquals(Long.parseLong(uid), podUser, overlay + ": " + name + " pods run as another uid than the image's");
        }
    }

    @ParameterizedTest
    @MethodSource("services")
    void imageSetsOnlyVariablesTheServiceReads(String name) throws IOException {
        ServiceModule service = ServiceModule.named(name);
        Dockerfile dockerfile = parse(service.dockerfile());
        dockerfile.env().keySet().forEach(variable -> assertTrue(service.reads(variable),
                name + ": the image sets " + variable + ", which the service does not read"));
        if (name.equals("registry-service")) {
            for (String key : ServiceModule.REGISTRY_WRITES) {
                String path = service.resolve(key, dockerfile.env());
                assertTrue(dockerfile.all("VOLUME").stream().anyMatch(volume -> path.startsWith(volume.strip() + "/")),
                        name + ": the image writes " + key + " = " + path + " outside its VOLUMEs");
            }
        }
    }

    /** Runs the HEALTHCHECK's command with bash against a stand-in server answering the ready endpoint. */
    @ParameterizedTest
    @MethodSource("services")
    void healthCheckPassesOnlyWhileTheServiceIsReady(String name) throws Exception {
        ServiceModule service = ServiceModule.named(name);
        String healthcheck = parse(service.dockerfile()).last("HEALTHCHECK");
        assertNotNull(healthcheck, name + ": no HEALTHCHECK");
        assertTrue(healthcheck.contains(String.valueOf(service.httpPort())), name + ": HEALTHCHECK does not default to port "
                + service.httpPort());
        Matcher cmd = Pattern.compile("CMD\\s+(\\[.*])\\s*$").matcher(healthcheck);
        assertTrue(cmd.find(), name + ": HEALTHCHECK should use the exec form: " + healthcheck);
        List<String> command = List.of(new ObjectMapper().readValue(cmd.group(1), String[].class));
        assertTrue(command.stream().anyMatch(part -> part.contains("/q/health/")), name + ": HEALTHCHECK does not ask /q/health");

        int[] status = {200};
        List<String> paths = new ArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            byte[] body = "{\"status\": \"UP\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status[0], body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            Map<String, String> env = Map.of("QUARKUS_HTTP_PORT", String.valueOf(server.getAddress().getPort()));
            assertEquals(0, Processes.run(command, env, "install bash").exitCode(), name + ": unhealthy while ready");
            status[0] = 503;
            assertNotEquals(0, Processes.run(command, env, "install bash").exitCode(), name + ": healthy while not ready");
            assertEquals(List.of("/q/health/ready", "/q/health/ready"), paths);
        } finally {
            server.stop(0);
        }
    }
}
