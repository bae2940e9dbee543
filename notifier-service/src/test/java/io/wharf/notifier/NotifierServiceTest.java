package io.wharf.notifier;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.GoldenSamples;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;
import io.wharf.infra.WharfInfraTestResource;

@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class NotifierServiceTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void reportsDatabaseAndKafkaUp() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Reactive PostgreSQL connections health check"))
                .body("checks.name", hasItem("Kafka connection health check"));
    }

    @Test
    void takesInEachRegistryEventFromKafkaOnceEvenWhenRedelivered() throws Exception {
        WharfEvent<?> golden = GoldenSamples.event(EventType.ARTIFACT_PUSHED);
        WharfEvent<RegistryEventData> first = WharfEvent.create(EventType.ARTIFACT_PUSHED, URI.create("/test"), golden.registryData());
        WharfEvent<RegistryEventData> second = WharfEvent.create(EventType.ARTIFACT_PUSHED, URI.create("/test"), golden.registryData());
        long before = taken();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrapServers),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(EventCodec.toProducerRecord(first)).get();
            producer.send(EventCodec.toProducerRecord(first)).get();
            producer.send(EventCodec.toProducerRecord(second)).get();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!second.id().equals(lastEventId()) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.sleep(50);
        }
        assertEquals(second.id(), lastEventId(), "the second event was taken in");
        assertEquals(before + 2, taken(), "the redelivered first event was taken in only once");
    }

    private static JsonPath intake() {
        JsonPath health = given().when().get("/q/health/ready").then().extract().jsonPath();
        return new JsonPath(health.prettify()).setRootPath("checks.find { it.name == 'registry-events intake' }.data");
    }

    private static long taken() {
        return intake().getLong("taken");
    }

    private static String lastEventId() {
        return intake().getString("lastEventId");
    }
}
