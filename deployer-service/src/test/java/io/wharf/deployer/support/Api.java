package io.wharf.deployer.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** The deployer's API as the tests use it (as a system admin unless a token is given). */
public final class Api {
    public static final Duration WAIT = Duration.ofSeconds(30);

    private Api() {
    }

    /** A project name no other test uses. */
    public static String project() {
        return "p" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A rule body deploying to the fake place {@code place}; {@code options} override or add fields. */
    public static Map<String, Object> fakeRule(String repository, String policyKind, String policy, String place,
            Map<String, Object> options) {
        Map<String, Object> body = new HashMap<>();
        body.put("repository", repository);
        body.put("tagPolicy", Map.of("kind", policyKind, "value", policy));
        body.put("target", Map.of("kind", "test-fake", "settings", Map.of("place", place)));
        body.putAll(options);
        return body;
    }

    public static JsonPath createRule(Map<String, Object> body) {
        return given().auth().oauth2(Tokens.systemAdmin()).contentType(ContentType.JSON).body(body)
                .post("/api/v1/rules").then().statusCode(201).extract().jsonPath();
    }

    public static List<Map<String, Object>> deployments(String ruleId) {
        return given().auth().oauth2(Tokens.systemAdmin()).queryParam("rule", ruleId).queryParam("limit", 500)
                .get("/api/v1/deployments").then().statusCode(200).extract().jsonPath().getList("items");
    }

    /** The rule's deployments once {@code count} exist and none is waiting, awaiting approval or applying. */
    public static List<Map<String, Object>> settled(String ruleId, int count) {
        return await(count + " settled deployments of rule " + ruleId).atMost(WAIT).until(() -> deployments(ruleId),
                list -> list.size() == count && list.stream().noneMatch(d -> List.of("waiting", "awaiting_approval", "applying")
                        .contains(d.get("state"))));
    }

    /** The rule's deployment of {@code digest} once it is in {@code state}. */
    public static Map<String, Object> awaitState(String ruleId, String digest, String state) {
        return await("deployment of " + digest + " " + state).atMost(WAIT).until(
                () -> deployments(ruleId).stream().filter(d -> digest.equals(d.get("toDigest"))).findFirst().orElse(null),
                d -> d != null && state.equals(d.get("state")));
    }

    /** The rule's deployment of {@code digest} once it is waiting for {@code cause} (e.g. "deploy window"). */
    public static Map<String, Object> awaitWaitingFor(String ruleId, String digest, String cause) {
        return await("deployment of " + digest + " waiting for " + cause).atMost(WAIT).until(
                () -> deployments(ruleId).stream().filter(d -> digest.equals(d.get("toDigest"))).findFirst().orElse(null),
                d -> d != null && "waiting".equals(d.get("state")) && String.valueOf(d.get("reason")).contains(cause));
    }

    /** Returns once the deployer has taken in the registry event {@code eventId} (its readiness check says so). */
    public static void awaitTakenIn(String eventId) {
        await("event " + eventId + " taken in").atMost(WAIT).until(() -> given().get("/q/health/ready").then().extract()
                .jsonPath().getString("checks.find { it.name == 'registry-events intake' }.data.lastEventId"),
                eventId::equals);
    }

    public static JsonPath rule(String id) {
        return given().auth().oauth2(Tokens.systemAdmin()).get("/api/v1/rules/" + id).then().statusCode(200)
                .extract().jsonPath();
    }
}
