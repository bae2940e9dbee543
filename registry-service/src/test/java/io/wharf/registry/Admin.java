package io.wharf.registry;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/** Requests as the system administrator the test profile creates ({@code %test.wharf.auth.admin.*}). */
final class Admin {

    static final String USERNAME = "admin";
    static final String PASSWORD = "test-admin-password";

    /** The Authorization header value for raw HTTP requests. */
    static final String BASIC = "Basic " + Base64.getEncoder().encodeToString((USERNAME + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));

    private Admin() {
    }

    /** A request with the administrator's Basic credentials. */
    static RequestSpecification given() {
        return RestAssured.given().auth().preemptive().basic(USERNAME, PASSWORD);
    }

    /** A java.net.http request builder with the administrator's credentials. */
    static HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", BASIC);
    }
}
