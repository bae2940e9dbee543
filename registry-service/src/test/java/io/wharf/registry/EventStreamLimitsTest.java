package io.wharf.registry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

/**
 * The live tail is bounded: streams per caller, per address (an IPv6 /64 counts as one) and in
 * total are capped with 429 and {@code Retry-After}; one poll serves every stream; a stream ends
 * when its caller loses access to what it could read or its API token expires.
 */
@QuarkusTest
@TestProfile(EventStreamLimitsTest.SmallCaps.class)
class EventStreamLimitsTest {

    /**
     * Small caps, fast re-checks, short API tokens; client addresses taken from X-Forwarded-For
     * (the tests' proxy is 127.0.0.1), so that one machine can be many clients.
     */
    public static class SmallCaps implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("wharf.events.stream.max-per-caller", "2", "wharf.events.stream.max-per-address", "3",
                    "wharf.events.stream.max-total", "30", "wharf.events.stream.retry-after", "7s",
                    "wharf.events.stream.recheck-interval", "500ms", "wharf.auth.api-token-ttl", "8s",
                    "quarkus.http.proxy.proxy-address-forwarding", "true", "quarkus.http.proxy.allow-x-forwarded", "true",
                    "quarkus.http.proxy.trusted-proxies", "127.0.0.1");
        }
    }

    @TestHTTPResource("/api/v1/events/stream")
    URI stream;

    private final List<Sse> open = new ArrayList<>();

    @AfterEach
    void closeStreams() {
        open.forEach(Sse::close);
        await("every stream released").atMost(Duration.ofSeconds(20)).until(() -> metric("wharf_events_streams_open") == 0);
    }

    @Test
    void oneAccountMayHoldOnlyItsShareOfStreamsFromAnyAddress() throws Exception {
        String user = Accounts.user("streamer");
        String other = Accounts.user("streamer-other");
        assertEquals(200, open(stream, user, "198.51.100.1").status());
        assertEquals(200, open(stream, user, "198.51.100.2").status());

        Sse third = open(stream, user, "198.51.100.3");
        assertRefused(third, "caller");
        // Someone else at that address is not refused.
        assertEquals(200, open(stream, other, "198.51.100.3").status());
        // A closed stream frees its place.
        open.get(0).close();
        await("a place freed").atMost(Duration.ofSeconds(20)).until(() -> {
            Sse again = open(stream, user, "198.51.100.4");
            return again.status() == 200;
        });
    }

    @Test
    void oneAddressMayHoldOnlyItsShareAndAnIpv6Slash64CountsAsOneAddress() throws Exception {
        for (String address : List.of("2001:db8:5:6::1", "2001:db8:5:6::2", "2001:db8:5:6:1234::3")) {
            assertEquals(200, open(stream, null, address).status(), address);
        }
        // Another address of the same /64, anonymous or signed in: refused.
        assertRefused(open(stream, null, "2001:db8:5:6:ffff:ffff:ffff:ffff"), "address");
        assertRefused(open(stream, Accounts.user("neighbour"), "2001:db8:5:6::99"), "address");
        // The next /64 is another client.
        assertEquals(200, open(stream, null, "2001:db8:5:7::1").status());
    }

    @Test
    void theRegistryCapsStreamsInTotalAndOnePollServesThemAll() throws Exception {
        String project = Accounts.project("fanout", true);
        String repo = project + "/app";
        URI filtered = URI.create(stream + "?repository=" + URLEncoder.encode(repo, StandardCharsets.UTF_8));
        for (int i = 0; i < 30; i++) {
            assertEquals(200, open(filtered, null, "203.0.113." + (i / 3 + 1)).status());
        }
        assertRefused(open(filtered, null, "203.0.113.200"), "registry");

        // With 30 streams open the registry's API still answers, and one poll per interval serves them all.
        Admin.given().get("/api/v1/projects/" + project).then().statusCode(200);
        double pollsBefore = metric("wharf_events_stream_polls_total");
        long started = System.nanoTime();
        Oci.Image image = Oci.pushImage(repo, "v1");
        for (Sse s : open.subList(0, 30)) {
            List<JsonObject> seen = s.awaitEvents(3);
            assertEquals(image.digest(), seen.get(1).getJsonObject("data").getString("digest"));
        }
        double polls = metric("wharf_events_stream_polls_total") - pollsBefore;
        long intervals = Duration.ofNanos(System.nanoTime() - started).toMillis() / 500 + 2;
        assertTrue(polls <= intervals, polls + " polls in " + intervals + " intervals: the streams polled each on their own");
    }

    @Test
    void aMemberRemovedFromAPrivateProjectStopsReceivingItsEvents() throws Exception {
        String project = Accounts.project("removed", false);
        String user = Accounts.user("leaver");
        Accounts.member(project, user, "developer");
        Sse member = open(URI.create(stream + "?project=" + project), user, "198.51.100.20");
        assertEquals(200, member.status());
        Oci.pushImage(project + "/app", "v1");
        assertEquals(3, member.awaitEvents(3).size());

        Admin.given().delete("/api/v1/projects/" + project + "/members/" + user).then().statusCode(204);
        member.awaitEnd(Duration.ofSeconds(10));
        Oci.pushImage(project + "/app", "v2");
        assertEquals(3, member.events().size(), "no event after the removal");
    }

    @Test
    void aProjectMadePrivateEndsAnonymousStreams() throws Exception {
        String project = Accounts.project("hidden", true);
        Sse anonymous = open(URI.create(stream + "?project=" + project), null, "198.51.100.30");
        Sse unfiltered = open(stream, null, "198.51.100.30");
        assertEquals(200, anonymous.status());
        assertEquals(200, unfiltered.status());

        Admin.given().contentType(ContentType.JSON).body(Map.of("isPublic", false)).put("/api/v1/projects/" + project)
                .then().statusCode(200);
        anonymous.awaitEnd(Duration.ofSeconds(10));
        unfiltered.awaitEnd(Duration.ofSeconds(10));
        assertTrue(anonymous.events().isEmpty());
    }

    @Test
    void aStreamEndsWhenTheApiTokenItWasOpenedWithExpires() throws Exception {
        String user = Accounts.user("expiring");
        String token = Accounts.as(user).post("/api/v1/auth/token").then().statusCode(200).extract().path("token");
        Sse sse = Sse.open(stream, "Authorization", "Bearer " + token, "X-Forwarded-For", "198.51.100.40");
        open.add(sse);
        assertEquals(200, sse.status());
        assertFalse(sse.ended());
        sse.awaitEnd(Duration.ofSeconds(15));
        // Opened again with the expired token (still accepted within the clock skew allowed), it ends at once.
        Sse again = Sse.open(stream, "Authorization", "Bearer " + token, "X-Forwarded-For", "198.51.100.40");
        open.add(again);
        if (again.status() == 200) {
            again.awaitEnd(Duration.ofSeconds(3));
        } else {
            assertEquals(401, again.status());
        }
    }

    @Test
    void aStreamOpenedWithAnApiTokenEndsWhenThePasswordChanges() throws Exception {
        String user = Accounts.user("revoked");
        String token = Accounts.as(user).post("/api/v1/auth/token").then().statusCode(200).extract().path("token");
        Sse sse = Sse.open(stream, "Authorization", "Bearer " + token, "X-Forwarded-For", "198.51.100.50");
        open.add(sse);
        assertEquals(200, sse.status());
        Admin.given().contentType(ContentType.JSON).body(Map.of("password", "another-long-password"))
                .put("/api/v1/users/" + user + "/password").then().statusCode(204);
        // Well before the token expires (8 s from its making).
        sse.awaitEnd(Duration.ofSeconds(3));
    }

    private Sse open(URI uri, String user, String address) throws Exception {
        Sse sse = user == null ? Sse.open(uri, "X-Forwarded-For", address)
                : Sse.open(uri, "X-Forwarded-For", address, "Authorization", Sse.basic(user));
        open.add(sse);
        return sse;
    }

    private static void assertRefused(Sse sse, String which) {
        assertEquals(429, sse.status());
        assertEquals("7", sse.header("Retry-After"));
        assertTrue(sse.header("Content-Type").startsWith("application/problem+json"), sse.header("Content-Type"));
        JsonObject problem = sse.problem();
        assertEquals("TOO_MANY_STREAMS", problem.getString("code"), problem.encode());
        assertTrue(problem.getString("detail").contains(which), problem.encode());
    }

    /** A value of the registry's Prometheus metrics. */
    static double metric(String name) {
        String text = Admin.given().get("/q/metrics").then().statusCode(200).extract().asString();
        return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
