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

    /**
     * A rule body deploying to the fake place {@code place}, through the fake target of the repository's
     * project (created and granted to it, any place, when the project name is valid); {@code options}
     * override or add fields.
     */
    public static Map<String, Object> fakeRule(String repository, String policyKind, String policy, String place,
            Map<String, Object> options) {
        String project = repository.split("/")[0];
        String target = project.matches("[a-z0-9]{2,50}") ? fakeTarget(project) : "no-such-target";
        Map<String, Object> body = new HashMap<>();
        body.put("repository", repository);
        body.put("tagPolicy", Map.of("kind", policyKind, "value", policy));
        body.put("target", target);
        body.put("workload", Map.of("place", place));
        body.putAll(options);
        return body;
    }

    /** The name of a fake target granted to {@code project} for any place (created by the first call). */
    public static String fakeTarget(String project) {
        String name = "fake-" + project;
        int status = given().auth().oauth2(Tokens.systemAdmin()).contentType(ContentType.JSON)
                .body(Map.of("name", name, "kind", "test-fake", "endpoint", "fake://" + project,
                        "grants", List.of(Map.of("project", project, "containers", "*"))))
                .post("/api/v1/targets").then().extract().statusCode();
        if (status != 201 && status != 409) {
            throw new IllegalStateException("fake target " + name + " not created: " + status);
        }
        return name;
    }

    /** Creates a target as a system admin; returns the answer. */
    public static JsonPath createTarget(Map<String, Object> body) {
        return given().auth().oauth2(Tokens.systemAdmin()).contentType(ContentType.JSON).body(body)
                .post("/api/v1/targets").then().statusCode(201).extract().jsonPath();
    }

    /** Creates a target of {@code kind} at {@code endpoint} granted to {@code project} (with {@code grant}'s bounds). */
    public static JsonPath createTarget(String kind, String endpoint, Map<String, Object> settings, String project,
            Map<String, Object> grant) {
        Map<String, Object> g = new HashMap<>(grant);
        g.put("project", project);
        return createTarget(Map.of("name", kind + "-" + UUID.randomUUID().toString().substring(0, 8), "kind", kind,
                "endpoint", endpoint, "settings", settings, "grants", List.of(g)));
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
