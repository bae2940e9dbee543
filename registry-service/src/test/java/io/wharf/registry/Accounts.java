package io.wharf.registry;

import static org.hamcrest.Matchers.notNullValue;

import java.util.List;
import java.util.Map;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Test set-up through the management API, as the administrator: users, projects, members, robots. */
final class Accounts {

    static final String PASSWORD = "a-long-password";

    private Accounts() {
    }

    /** A new user with {@link #PASSWORD}; returns its name. */
    static String user(String purpose) {
        String name = purpose + "-" + Oci.suffix();
        Admin.given().contentType(ContentType.JSON).body(Map.of("username", name, "password", PASSWORD))
                .post("/api/v1/users").then().statusCode(201);
        return name;
    }

    /** A new project; returns its name. */
    static String project(String purpose, boolean isPublic) {
        String name = purpose + "-" + Oci.suffix();
        Admin.given().contentType(ContentType.JSON).body(Map.of("name", name, "isPublic", isPublic))
                .post("/api/v1/projects").then().statusCode(201);
        return name;
    }

    static void member(String project, String user, String role) {
        Admin.given().contentType(ContentType.JSON).body(Map.of("role", role))
                .put("/api/v1/projects/" + project + "/members/" + user).then().statusCode(200);
    }

    /** A new robot in the project; returns {name, secret}. */
    static String[] robot(String project, String name, List<String> permissions) {
        var r = Admin.given().contentType(ContentType.JSON).body(Map.of("name", name, "permissions", permissions))
                .post("/api/v1/projects/" + project + "/robots").then().statusCode(201)
                .body("secret", notNullValue()).extract();
        return new String[] {r.path("name"), r.path("secret")};
    }

    /** A new personal access token of the user (made with its password) with these scopes (null: the default); returns the token. */
    static String personalToken(String user, String name, List<String> scopes) {
        return as(user).contentType(ContentType.JSON).body(scopes == null ? Map.of("name", name) : Map.of("name", name, "scopes", scopes))
                .post("/api/v1/users/me/tokens").then().statusCode(201).extract().path("token");
    }

    /** A request with Basic credentials. */
    static RequestSpecification as(String user, String password) {
        return Oci.anonymous().auth().preemptive().basic(user, password);
    }

    static RequestSpecification as(String user) {
        return as(user, PASSWORD);
    }

    /** A registry token from {@code GET /token} for the scopes, with the given credentials (null: anonymous). */
    static String token(String user, String password, String... scopes) {
        RequestSpecification r = user == null ? RestAssured.given() : RestAssured.given().auth().preemptive().basic(user, password);
        for (String s : scopes) {
            r = r.queryParam("scope", s);
        }
        return r.queryParam("service", "wharf-registry").get("/token").then().statusCode(200).extract().path("token");
    }

    static RequestSpecification bearer(String token) {
        return Oci.anonymous().header("Authorization", "Bearer " + token);
    }
}
