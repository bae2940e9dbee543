package io.wharf.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * What each Harbor role may do in a private project, through the registry API and the management
 * API: one row per (role, action) with the status the caller must see. Outsiders and anonymous
 * callers do not learn that the project exists (404 on the API, 401/403 on /v2); an anonymous write
 * to the API is 401 before anything is looked up, whatever project it names.
 */
@QuarkusTest
class RolesMatrixTest {

    private static final String[] CALLERS = {"projectAdmin", "maintainer", "developer", "guest", "limitedGuest", "outsider", "anonymous"};

    /** Expected statuses, in the order of {@link #CALLERS}. */
    private static final Map<String, int[]> EXPECTED = new LinkedHashMap<>();

    static {
        //                        admin maint dev  guest limited outsider anon
        EXPECTED.put("pull",       new int[] {200, 200, 200, 200, 200, 403, 401});
        EXPECTED.put("push",       new int[] {202, 202, 202, 403, 403, 403, 401});
        EXPECTED.put("deleteTag",  new int[] {202, 202, 403, 403, 403, 403, 401});
        EXPECTED.put("readMembers", new int[] {200, 200, 200, 200, 403, 404, 404});
        EXPECTED.put("addMember",  new int[] {200, 403, 403, 403, 403, 404, 401});
        EXPECTED.put("createRobot", new int[] {201, 403, 403, 403, 403, 404, 401});
        EXPECTED.put("makePublic", new int[] {200, 403, 403, 403, 403, 404, 401});
    }

    private static String project;
    private static final Map<String, String> USERS = new LinkedHashMap<>();

    private static synchronized void setUp() {
        if (project != null) {
            return;
        }
        project = Accounts.project("roles", false);
        Oci.pushImage(project + "/app", "v1");
        for (String caller : CALLERS) {
            if (caller.equals("anonymous")) {
                continue;
            }
            String user = Accounts.user(caller.toLowerCase());
            USERS.put(caller, user);
            if (!caller.equals("outsider")) {
                Accounts.member(project, user, caller);
            }
        }
    }

    static Stream<Arguments> rows() {
        List<Arguments> rows = new ArrayList<>();
        EXPECTED.forEach((action, statuses) -> {
            for (int i = 0; i < CALLERS.length; i++) {
                rows.add(Arguments.of(CALLERS[i], action, statuses[i]));
            }
        });
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("rows")
    void eachRoleHasExactlyItsRights(String caller, String action, int expected) {
        setUp();
        RequestSpecification as = caller.equals("anonymous") ? Oci.anonymous() : Accounts.as(USERS.get(caller));
        Response response = ACTIONS.get(action).apply(as, caller);
        org.junit.jupiter.api.Assertions.assertEquals(expected, response.statusCode(),
                () -> caller + " " + action + ": " + response.body().asString());
        if (expected == 401 || expected == 403) {
            String body = response.body().asString();
            org.junit.jupiter.api.Assertions.assertTrue(body.contains(expected == 401 ? "UNAUTHORIZED" : "DENIED"), body);
        }
    }

    private static final Map<String, BiFunction<RequestSpecification, String, Response>> ACTIONS = Map.of(
            "pull", (as, caller) -> as.accept(Oci.OCI_MANIFEST).get("/v2/" + project + "/app/manifests/v1"),
            "push", (as, caller) -> as.post("/v2/" + project + "/app/blobs/uploads/"),
            "deleteTag", (as, caller) -> {
                String tag = "del-" + caller.toLowerCase();
                Oci.given().contentType(Oci.OCI_MANIFEST).body(Admin.given().accept(Oci.OCI_MANIFEST)
                        .get("/v2/" + project + "/app/manifests/v1").asByteArray()).put("/v2/" + project + "/app/manifests/" + tag)
                        .then().statusCode(201);
                return as.delete("/v2/" + project + "/app/manifests/" + tag);
            },
            "readMembers", (as, caller) -> as.get("/api/v1/projects/" + project + "/members"),
            "addMember", (as, caller) -> as.contentType(ContentType.JSON).body(Map.of("role", "guest"))
                    .put("/api/v1/projects/" + project + "/members/" + Accounts.user("newcomer")),
            "createRobot", (as, caller) -> as.contentType(ContentType.JSON)
                    .body(Map.of("name", "r-" + caller.toLowerCase(), "permissions", List.of("pull")))
                    .post("/api/v1/projects/" + project + "/robots"),
            "makePublic", (as, caller) -> as.contentType(ContentType.JSON).body(Map.of("isPublic", false))
                    .put("/api/v1/projects/" + project));
}
