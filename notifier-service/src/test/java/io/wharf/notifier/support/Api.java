package io.wharf.notifier.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;

/** The notifier's API as a system admin uses it, and registry events to feed it. */
public final class Api {

    private Api() {
    }

    /** Creates a subscription; returns the created view (with the secret, for webhooks). */
    public static JsonPath create(Map<String, Object> subscription) {
        return given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).body(subscription)
                .post("/api/v1/subscriptions").then().statusCode(201).extract().jsonPath();
    }

    public static void delete(String subscriptionId) {
        given().auth().oauth2(Tokens.admin()).delete("/api/v1/subscriptions/" + subscriptionId).then().statusCode(204);
    }

    public static JsonPath subscription(String id) {
        return given().auth().oauth2(Tokens.admin()).get("/api/v1/subscriptions/" + id).then().statusCode(200)
                .extract().jsonPath();
    }

    public static List<Map<String, Object>> deliveries(String subscriptionId) {
        return deliveries(subscriptionId, 100);
    }

    /** The subscription's latest deliveries (at most {@code limit}, up to 500), newest first. */
    public static List<Map<String, Object>> deliveries(String subscriptionId, int limit) {
        return given().auth().oauth2(Tokens.admin()).queryParam("limit", limit)
                .get("/api/v1/subscriptions/" + subscriptionId + "/deliveries")
                .then().statusCode(200).extract().jsonPath().getList("$");
    }

    public static JsonPath delivery(String deliveryId) {
        return given().auth().oauth2(Tokens.admin()).get("/api/v1/deliveries/" + deliveryId).then().statusCode(200)
                .extract().jsonPath();
    }

    /** The subscription's deliveries once all {@code count} of them are in {@code state}. */
    public static List<Map<String, Object>> awaitDeliveries(String subscriptionId, int count, String state) {
        return await(count + " deliveries " + state).atMost(java.time.Duration.ofSeconds(30)).until(
                () -> deliveries(subscriptionId, Math.max(count + 1, 100)),
                list -> list.size() == count && list.stream().allMatch(d -> state.equals(d.get("state"))));
    }

    /** A unique project name for one test. */
    public static String project(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    public static WharfEvent<RegistryEventData> pushed(String repository, String tag) {
        return event(EventType.ARTIFACT_PUSHED, repository, tag);
    }

    public static WharfEvent<RegistryEventData> event(EventType type, String repository, String tag) {
        String digest = "sha256:" + (UUID.randomUUID().toString().replace("-", "") + "0".repeat(32));
        return WharfEvent.create(type, URI.create("/wharf/registry"),
                RegistryEventData.builder(repository, digest).tag(tag).project(repository.split("/")[0])
                        .mediaType("application/vnd.oci.image.manifest.v1+json")
                        .actor(RegistryEventData.Actor.user("alice")).build());
    }
}
