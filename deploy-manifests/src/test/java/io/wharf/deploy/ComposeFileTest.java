package io.wharf.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** docker-compose.yml, as {@code docker-compose config} resolves it. */
class ComposeFileTest {

    private static final String ADMIN_PASSWORD = "admin-password-for-this-test";
    private static final String DATABASE_PASSWORD = "database-password-for-this-test";
    private static final String DEPLOYER_SECRETS_KEY = "c2VhbHMtZGVwbG95LWhvb2stc2VjcmV0cy10ZXN0ISE=";
    private static final String NOTIFIER_SECRETS_KEY = "c2VhbHMtd2ViaG9vay1zZWNyZXRzLXRlc3Qtb25seSE=";

    private static JsonNode services;
    private static JsonNode volumes;

    /** Settings as a user gives them: the required ones, every other one left to its default. */
    private static Map<String, String> settings(String without) {
        Map<String, String> env = new HashMap<>();
        for (String name : List.of("WHARF_ADMIN_USER", "WHARF_REGISTRY_PORT", "WHARF_NOTIFIER_PORT",
                "WHARF_DEPLOYER_PORT", "WHARF_MAIL_UI_PORT", "COMPOSE_FILE", "COMPOSE_PROJECT_NAME")) {
            env.put(name, null);
        }
        env.put("WHARF_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("WHARF_PG_PASSWORD", DATABASE_PASSWORD);
        env.put("WHARF_DEPLOYER_SECRETS_KEY", DEPLOYER_SECRETS_KEY);
        env.put("WHARF_NOTIFIER_SECRETS_KEY", NOTIFIER_SECRETS_KEY);
        env.put("WHARF_DEPLOYER_REGISTRY_HOST", null);
        env.put(without, null);
        return env;
    }

    private static Processes.Result config(Map<String, String> env) {
        return Processes.run(List.of("docker-compose", "-f", "docker-compose.yml", "config"), env,
                "install docker-compose (Debian: apt-get install docker-compose; .ci/run does)");
    }

    @BeforeAll
    static void resolve() throws IOException {
        Processes.Result result = config(settings("COMPOSE_FILE"));
        assertEquals(0, result.exitCode(), () -> "docker-compose config failed:\n" + result.stderr());
        JsonNode compose = new YAMLMapper().readTree(result.stdout());
        services = compose.path("services");
        volumes = compose.path("volumes");
    }

    private static JsonNode service(String name) {
        JsonNode service = services.path(name);
        assertTrue(service.isObject(), "docker-compose.yml has no service " + name);
        return service;
    }

    private static Map<String, String> environment(String service) {
        return environment(service(service));
    }

    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new HashMap<>();
        service.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    /** A service's volumes as target path to source, from the short or the long syntax. */
    private static Map<String, String> mounts(String service) {
        Map<String, String> mounts = new HashMap<>();
        for (JsonNode volume : service(service).path("volumes")) {
            if (volume.isTextual()) {
                String[] parts = volume.asText().split(":");
                mounts.put(parts[1], parts[0]);
            } else {
                mounts.put(volume.path("target").asText(), volume.path("source").asText());
            }
        }
        return mounts;
    }

    @ParameterizedTest
    @ValueSource(strings = {"WHARF_ADMIN_PASSWORD", "WHARF_PG_PASSWORD", "WHARF_DEPLOYER_SECRETS_KEY",
            "WHARF_NOTIFIER_SECRETS_KEY"})
    void refusesToRunWithoutARequiredSecret(String variable) {
        Processes.Result result = config(settings(variable));
        assertNotEquals(0, result.exitCode(), "docker-compose config passed without " + variable);
        assertTrue(result.stderr().contains(variable), "the error does not name " + variable + ":\n" + result.stderr());
    }

    @Test
    void wharfServicesAreGivenOnlyVariablesTheyRead() {
        for (ServiceModule module : ServiceModule.all()) {
            for (String variable : environment(module.name()).keySet()) {
                assertTrue(module.reads(variable), "docker-compose.yml gives " + module.name() + " " + variable
                        + ", which it does not read (no such key in its application.properties or @ConfigMapping)");
            }
        }
        ServiceModule registry = ServiceModule.named("registry-service");
        assertEquals(ADMIN_PASSWORD, registry.resolve("wharf.auth.admin.password", environment(registry.name())),
                "registry-service does not get the admin password");
        assertEquals("admin", registry.resolve("wharf.auth.admin.username", environment(registry.name())),
                "the admin's name does not default to admin as with ./wharf");
        ServiceModule notifier = ServiceModule.named("notifier-service");
        assertEquals(NOTIFIER_SECRETS_KEY, notifier.resolve("wharf.notifier.secrets-key", environment(notifier.name())),
                "notifier-service does not get the key that seals webhook secrets");
        ServiceModule deployer = ServiceModule.named("deployer-service");
        assertEquals(DEPLOYER_SECRETS_KEY, deployer.resolve("wharf.deployer.secrets-key", environment(deployer.name())),
                "deployer-service does not get the key that seals deploy hook secrets");
    }

    @Test
    void notifierAndDeployerReachTheRegistryApiThatSaysTheirCallersRoles() {
        ServiceModule registry = ServiceModule.named("registry-service");
        for (ServiceModule service : List.of(ServiceModule.named("notifier-service"), ServiceModule.named("deployer-service"))) {
            String url = service.resolve("wharf.access.registry-url", environment(service.name()));
            assertNotNull(url, service.name() + " gets no wharf.access.registry-url");
            URI api = URI.create(url);
            assertEquals(registry.name(), api.getHost(), service.name() + " asks " + url + " for its callers' roles");
            assertEquals(registry.httpPort(), api.getPort(), service.name() + " asks " + url + " for its callers' roles");
        }
    }

    @Test
    void everyWharfServiceIsBuiltFromItsDockerfileAndTaggedWithTheProjectVersion() {
        for (ServiceModule module : ServiceModule.all()) {
            JsonNode service = service(module.name());
            assertEquals(module.dir(), Path.of(service.path("build").path("context").asText()).toAbsolutePath().normalize(),
                    module.name() + " build context");
            assertEquals(module.dir().relativize(module.dockerfile()).toString(),
                    service.path("build").path("dockerfile").asText(), module.name() + " Dockerfile");
            assertEquals("wharf/" + module.name() + ":" + ServiceModule.projectVersion(), service.path("image").asText());
            List<JsonNode> ports = StreamSupport.stream(service.path("ports").spliterator(), false).toList();
            assertEquals(1, ports.size(), module.name() + " ports");
            assertEquals(module.httpPort(), ports.get(0).path("target").asInt(), module.name() + " container port");
            assertEquals(String.valueOf(module.httpPort()), ports.get(0).path("published").asText(),
                    module.name() + " should be on the same host port as with ./wharf up");
            assertEquals("service_healthy", service.path("depends_on").path("kafka").path("condition").asText());
            assertEquals("service_healthy", service.path("depends_on").path("postgres").path("condition").asText());
        }
    }

    @Test
    void servicesShareOneDatabaseAndTheBroker() {
        Map<String, String> postgres = environment("postgres");
        assertTrue(service("kafka").path("image").asText().startsWith("apache/kafka:"), "Kafka is not the official image");
        assertTrue(service("postgres").path("image").asText().startsWith("postgres:"), "PostgreSQL is not the official image");
        assertEquals(DATABASE_PASSWORD, postgres.get("POSTGRES_PASSWORD"));
        for (ServiceModule module : ServiceModule.all()) {
            Map<String, String> env = environment(module.name());
            URI reactive = URI.create(env.get("QUARKUS_DATASOURCE_REACTIVE_URL"));
            URI jdbc = URI.create(env.get("QUARKUS_DATASOURCE_JDBC_URL").substring("jdbc:".length()));
            for (URI url : List.of(reactive, jdbc)) {
                assertEquals("postgres", url.getHost(), module.name() + " database host");
                assertEquals("/" + postgres.get("POSTGRES_DB"), url.getPath(), module.name() + " database");
            }
            assertEquals(postgres.get("POSTGRES_USER"), env.get("QUARKUS_DATASOURCE_USERNAME"), module.name() + " database user");
            assertEquals(DATABASE_PASSWORD, env.get("QUARKUS_DATASOURCE_PASSWORD"), module.name() + " database password");
            assertEquals(environment("kafka").get("KAFKA_ADVERTISED_LISTENERS").replace("PLAINTEXT://", ""),
                    env.get("KAFKA_BOOTSTRAP_SERVERS"), module.name() + " Kafka address");
        }
        assertTrue(services.path("mailpit").path("image").asText().startsWith("axllent/mailpit:"), "no mail catcher");
    }

    @Test
    void registryFilesAndDatabasesLiveOnNamedVolumes() {
        Map<String, String> expected = Map.of("postgres", "/var/lib/postgresql/data",
                "kafka", environment("kafka").get("KAFKA_LOG_DIRS"));
        expected.forEach((service, path) -> assertTrue(volumes.has(mounts(service).get(path)),
                service + " keeps " + path + " on no named volume"));

        ServiceModule registry = ServiceModule.named("registry-service");
        Map<String, String> env = new HashMap<>(DockerfilesTest.parse(registry.dockerfile()).env());
        env.putAll(environment(registry.name()));
        for (String key : ServiceModule.REGISTRY_WRITES) {
            String path = registry.resolve(key, env);
            assertNotNull(path, "registry-service no longer has the setting " + key);
            assertTrue(mounts(registry.name()).entrySet().stream().anyMatch(m -> path.startsWith(m.getKey() + "/")
                    && volumes.has(m.getValue())), "registry-service writes " + key + " = " + path + " on no named volume");
        }
    }

    @Test
    void blobsStayOnTheVolumeUnlessTheS3ProfileIsChosen() {
        ServiceModule registry = ServiceModule.named("registry-service");
        assertEquals("filesystem", registry.resolve("wharf.registry.storage.kind", environment(registry.name())),
                "the registry's storage by default");
        assertEquals(List.of("s3"), StreamSupport.stream(service("minio").path("profiles").spliterator(), false)
                .map(JsonNode::asText).toList(), "the S3 server runs only with the s3 profile");
        for (ServiceModule module : ServiceModule.all()) {
            assertTrue(service(module.name()).path("profiles").isMissingNode(), module.name() + " runs only in a profile");
        }
    }

    @Test
    void s3ProfileRunsAnS3ServerTheRegistryStoresBlobsOn() throws IOException {
        String secret = "s3-secret-for-this-test";
        Map<String, String> env = settings("COMPOSE_FILE");
        env.put("COMPOSE_PROFILES", "s3");
        env.put("WHARF_STORAGE", "s3");
        env.put("WHARF_S3_SECRET_KEY", secret);
        for (String name : List.of("WHARF_S3_ENDPOINT", "WHARF_S3_ACCESS_KEY", "WHARF_S3_BUCKET", "WHARF_S3_REDIRECT", "WHARF_S3_PORT")) {
            env.put(name, null);
        }
        Processes.Result result = config(env);
        assertEquals(0, result.exitCode(), () -> "docker-compose --profile s3 config failed:\n" + result.stderr());
        JsonNode compose = new YAMLMapper().readTree(result.stdout());
        JsonNode minio = compose.path("services").path("minio");
        ServiceModule registry = ServiceModule.named("registry-service");
        Map<String, String> registryEnv = environment(compose.path("services").path(registry.name()));
        Map<String, String> minioEnv = environment(minio);

        assertEquals("s3", registry.resolve("wharf.registry.storage.kind", registryEnv), "the registry's storage");
        URI endpoint = URI.create(registry.resolve("wharf.registry.storage.s3.endpoint", registryEnv));
        assertEquals("minio", endpoint.getHost(), "the registry's S3 endpoint " + endpoint);
        assertTrue(StreamSupport.stream(minio.path("ports").spliterator(), false).anyMatch(p -> p.path("target").asInt() == endpoint.getPort()),
                "MinIO does not listen on " + endpoint.getPort());
        assertEquals(minioEnv.get("MINIO_ROOT_USER"), registry.resolve("wharf.registry.storage.s3.access-key", registryEnv), "access key");
        assertEquals(secret, minioEnv.get("MINIO_ROOT_PASSWORD"), "MinIO's secret");
        assertEquals(secret, registry.resolve("wharf.registry.storage.s3.secret-key", registryEnv), "the registry's secret key");
        assertEquals("false", registry.resolve("wharf.registry.storage.s3.redirect", registryEnv),
                "redirects by default (presigned URLs name http://minio:9000, which clients outside Compose cannot reach)");
        String data = StreamSupport.stream(minio.path("volumes").spliterator(), false)
                .map(v -> v.isTextual() ? v.asText().split(":")[0] : v.path("source").asText()).findFirst().orElse("");
        assertTrue(compose.path("volumes").has(data), "MinIO keeps its objects on no named volume");
    }
}
