package io.wharf.registry;

import static io.wharf.registry.Admin.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.Topics;
import io.wharf.events.WharfEvent;

/** Every change is published to Kafka as a CloudEvent, from the outbox, after the change committed. */
@QuarkusTest
class EventPublishingTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void pushTagMoveAndDeleteArePublishedAsCloudEventsInOrder() throws Exception {
        String repo = "events/app-" + UUID.randomUUID().toString().substring(0, 8);
        String first = pushImage(repo, "v1", "one");
        String second = pushImage(repo, "v1", "two");
        given().delete("/v2/" + repo + "/manifests/v1").then().statusCode(202);

        List<ConsumerRecord<String, byte[]>> records = consume(repo, 6);
        List<String> types = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            assertEquals(repo, r.key(), "record key is the repository");
            assertEquals("1.0", header(r, "ce_specversion"));
            assertEquals("/wharf/registry", header(r, "ce_source"));
            assertNotNull(header(r, "ce_id"));
            types.add(header(r, "ce_type"));
        }
        assertEquals(List.of("io.wharf.repository.created", "io.wharf.artifact.pushed", "io.wharf.tag.created",
                "io.wharf.artifact.pushed", "io.wharf.tag.updated", "io.wharf.tag.deleted"), types);

        WharfEvent<?> pushed = EventCodec.fromKafka(records.get(1));
        RegistryEventData data = pushed.registryData();
        assertEquals(first, data.digest());
        assertEquals("v1", data.tag());
        assertEquals("v1", pushed.subject());
        assertEquals("events", data.project());
        assertEquals("application/vnd.oci.image.manifest.v1+json", data.mediaType());
        assertNotNull(data.size());
        assertEquals(RegistryEventData.ActorKind.USER, data.actor().kind());
        assertEquals("admin", data.actor().name());
        assertNotNull(data.request());

        RegistryEventData moved = EventCodec.fromKafka(records.get(4)).registryData();
        assertEquals(EventType.TAG_UPDATED, EventCodec.fromKafka(records.get(4)).type());
        assertEquals(second, moved.digest());
        assertEquals(first, moved.previousDigest());

        RegistryEventData deleted = EventCodec.fromKafka(records.get(5)).registryData();
        assertEquals(second, deleted.digest());
        assertEquals("v1", deleted.tag());
    }

    @Test
    void aRefusedPushPublishesNothing() throws Exception {
        String repo = "events/refused-" + UUID.randomUUID().toString().substring(0, 8);
        String missing = "sha256:" + "a".repeat(64);
        given().body(manifest(missing, missing)).contentType(Oci.OCI_MANIFEST)
                .put("/v2/" + repo + "/manifests/v1").then().statusCode(400);
        // A later, accepted push in the same repository is the first event seen for it.
        pushImage(repo, "ok", "fine");
        List<ConsumerRecord<String, byte[]>> records = consume(repo, 3);
        assertEquals("io.wharf.repository.created", header(records.get(0), "ce_type"));
        assertEquals("ok", EventCodec.fromKafka(records.get(1)).registryData().tag());
        assertNull(records.stream().filter(r -> "v1".equals(header(r, "ce_subject"))).findAny().orElse(null));
    }

    @Test
    void concurrentFirstPushesRecordTheRepositoryOnce() throws Exception {
        String repo = "events/race-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> manifests = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] layer = ("layer " + i).getBytes(StandardCharsets.UTF_8);
            byte[] config = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
            Oci.pushBlob(repo, layer);
            Oci.pushBlob(repo, config);
            manifests.add(manifest(Oci.sha256(config), Oci.sha256(layer)));
        }
        var client = java.net.http.HttpClient.newHttpClient();
        var base = java.net.URI.create(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port);
        List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> puts = new ArrayList<>();
        for (int i = 0; i < manifests.size(); i++) {
            puts.add(client.sendAsync(Admin.request(base.resolve("/v2/" + repo + "/manifests/t" + i))
                    .header("Content-Type", Oci.OCI_MANIFEST)
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(manifests.get(i))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()));
        }
        for (var put : puts) {
            assertEquals(201, put.get().statusCode());
        }
        // 1 repository.created + 4 × (artifact.pushed + tag.created)
        List<ConsumerRecord<String, byte[]>> records = consume(repo, 9);
        long created = records.stream().filter(r -> "io.wharf.repository.created".equals(header(r, "ce_type"))).count();
        assertEquals(1, created, "repository.created recorded exactly once");
    }

    private String pushImage(String repo, String tag, String content) throws Exception {
        byte[] layer = content.getBytes(StandardCharsets.UTF_8);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"c\":\"" + content + "\"}").getBytes(StandardCharsets.UTF_8);
        Oci.pushBlob(repo, layer);
        Oci.pushBlob(repo, config);
        String manifest = manifest(Oci.sha256(config), Oci.sha256(layer));
        given().body(manifest).contentType(Oci.OCI_MANIFEST).put("/v2/" + repo + "/manifests/" + tag).then().statusCode(201);
        return Oci.sha256(manifest.getBytes(StandardCharsets.UTF_8));
    }

    private static String manifest(String config, String layer) {
        return """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":2},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":3}]}"""
                .formatted(config, layer);
    }

    /** Reads the topic from the start until {@code count} records keyed by {@code repo} arrived (60 s at most). */
    private List<ConsumerRecord<String, byte[]>> consume(String repo, int count) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", "test-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.REGISTRY_EVENTS));
            await(count + " events for " + repo).atMost(Duration.ofSeconds(60)).pollInSameThread().pollDelay(Duration.ZERO)
                    .until(() -> {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            if (repo.equals(r.key())) {
                                found.add(r);
                            }
                        }
                        return found.size() >= count;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("expected " + count + " events for " + repo + ", got " + found.size(), e);
        }
        return found;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
