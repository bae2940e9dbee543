package io.wharf.registry;

import static io.wharf.registry.Admin.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.registry.events.EventRecorder;

/** The event history API: every filter, pages and their cursor, single events, and the refusals. */
@QuarkusTest
class EventQueryResourceTest {

    @Inject
    EventRecorder recorder;

    String project;
    String app;
    String web;
    Oci.Image first;
    Oci.Image second;

    /** A project of its own: {@code app} got v1 twice (a tag move), {@code web} got latest, alice pulled web. */
    @BeforeEach
    void history() throws Throwable {
        project = "evq-" + Oci.suffix();
        app = project + "/app";
        web = project + "/web";
        first = Oci.pushImage(app, "v1");
        second = Oci.pushImage(app, "v1");
        Oci.Image latest = Oci.pushImage(web, "latest");
        RegistryEventData pulled = RegistryEventData.builder(web, latest.digest()).project(project).tag("latest")
                .actor(RegistryEventData.Actor.user("alice")).count(3).build();
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> recorder.record(EventType.ARTIFACT_PULLED, pulled)));
    }

    @Test
    void listsARepositorysEventsOldestFirstAsCloudEvents() {
        JsonPath page = events(Map.of("repository", app));
        assertEquals(List.of("io.wharf.repository.created", "io.wharf.artifact.pushed", "io.wharf.tag.created",
                "io.wharf.artifact.pushed", "io.wharf.tag.updated"), page.getList("events.type"));
        assertNull(page.get("next"));
        Map<String, Object> moved = page.getMap("events[4]");
        assertEquals("1.0", moved.get("specversion"));
        assertEquals("/wharf/registry", moved.get("source"));
        assertEquals("application/json", moved.get("datacontenttype"));
        assertEquals("v1", moved.get("subject"));
        assertNotNull(moved.get("time"));
        assertEquals(app, page.get("events[4].data.repository"));
        assertEquals(second.digest(), page.get("events[4].data.digest"));
        assertEquals(first.digest(), page.get("events[4].data.previousDigest"));
        assertEquals("user", page.get("events[4].data.actor.kind"));
        assertEquals(Admin.USERNAME, page.get("events[4].data.actor.name"));
    }

    @Test
    void filtersByProject() {
        JsonPath page = events(Map.of("project", project));
        assertEquals(9, page.getList("events").size());
        assertEquals(Set.of(app, web), new HashSet<>(page.getList("events.data.repository")));
        assertEquals(List.of(), events(Map.of("project", "evq-nobody-" + Oci.suffix())).getList("events"));
    }

    @Test
    void filtersByTypeInFullOrShortFormAndSeveralTypes() {
        assertEquals(List.of("io.wharf.tag.updated"), events(Map.of("project", project, "type", "tag.updated")).getList("events.type"));
        JsonPath tags = given().queryParam("project", project).queryParam("type", "io.wharf.tag.created", "tag.updated")
                .get("/api/v1/events").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("io.wharf.tag.created", "io.wharf.tag.updated", "io.wharf.tag.created"), tags.getList("events.type"));
    }

    @Test
    void filtersByTag() {
        JsonPath page = events(Map.of("repository", app, "tag", "v1"));
        assertEquals(List.of("io.wharf.artifact.pushed", "io.wharf.tag.created", "io.wharf.artifact.pushed", "io.wharf.tag.updated"),
                page.getList("events.type"));
        assertEquals(List.of(), events(Map.of("repository", app, "tag", "latest")).getList("events"));
    }

    @Test
    void filtersByDigest() {
        JsonPath page = events(Map.of("project", project, "digest", first.digest()));
        assertEquals(List.of("io.wharf.repository.created", "io.wharf.artifact.pushed", "io.wharf.tag.created"), page.getList("events.type"));
        assertEquals(List.of("io.wharf.artifact.pushed", "io.wharf.tag.updated"),
                events(Map.of("project", project, "digest", second.digest())).getList("events.type"));
    }

    @Test
    void filtersByActor() {
        JsonPath page = events(Map.of("project", project, "actor", "alice"));
        assertEquals(List.of("io.wharf.artifact.pulled"), page.getList("events.type"));
        assertEquals("alice", page.get("events[0].data.actor.name"));
        assertEquals(3, (Integer) page.get("events[0].data.count"));
    }

    @Test
    void filtersByTimeRangeWithSinceInclusiveAndUntilExclusive() {
        List<Map<String, Object>> all = events(Map.of("project", project)).getList("events");
        String middle = (String) all.get(4).get("time");
        List<String> since = events(Map.of("project", project, "since", middle)).getList("events.id");
        List<String> until = events(Map.of("project", project, "until", middle)).getList("events.id");
        assertTrue(since.contains(all.get(4).get("id")), "since includes an event at exactly that time");
        assertTrue(!until.contains(all.get(4).get("id")), "until excludes an event at exactly that time");
        List<String> both = new ArrayList<>(until);
        both.addAll(since);
        assertEquals(all.stream().map(e -> e.get("id")).toList(), both);
        String end = (String) all.get(8).get("time");
        List<String> window = events(Map.of("project", project, "since", middle, "until", end)).getList("events.id");
        assertEquals(since.subList(0, since.size() - 1), window);
    }

    @Test
    void pagesWithAnOpaqueCursorUntilTheLastPage() {
        List<String> all = events(Map.of("project", project)).getList("events.id");
        List<List<String>> pages = pagesOfFour(Map.of("project", project));
        assertEquals(3, pages.size());
        assertEquals(all, pages.stream().flatMap(List::stream).toList());
    }

    @Test
    void listsNewestFirstWithOrderDescAndPagesBackwardsWithItsCursor() {
        List<String> oldestFirst = events(Map.of("project", project)).getList("events.id");
        List<String> newestFirst = new ArrayList<>(oldestFirst);
        java.util.Collections.reverse(newestFirst);
        assertEquals(newestFirst, events(Map.of("project", project, "order", "desc")).getList("events.id"));
        assertEquals(oldestFirst, events(Map.of("project", project, "order", "asc")).getList("events.id"));

        List<List<String>> pages = pagesOfFour(Map.of("project", project, "order", "desc"));
        assertEquals(3, pages.size());
        List<String> read = new ArrayList<>();
        for (List<String> page : pages) {
            assertTrue(page.stream().noneMatch(read::contains), "pages are disjoint: " + page + " after " + read);
            read.addAll(page);
        }
        assertEquals(newestFirst, read);
    }

    /** Every page of four events the query has, following each page's cursor (also in its Link header) to the last. */
    private static List<List<String>> pagesOfFour(Map<String, String> params) {
        List<List<String>> pages = new ArrayList<>();
        String cursor = null;
        do {
            var request = given().queryParams(params).queryParam("limit", 4);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response response = request.get("/api/v1/events");
            response.then().statusCode(200);
            JsonPath page = response.jsonPath();
            pages.add(page.getList("events.id"));
            cursor = page.get("next");
            if (cursor != null) {
                assertEquals(4, page.getList("events").size());
                assertTrue(response.header("Link").contains("rel=\"next\""), response.header("Link"));
                assertTrue(response.header("Link").contains("cursor=" + cursor), response.header("Link"));
                params.forEach((name, value) -> assertTrue(response.header("Link").contains(name + "=" + value), response.header("Link")));
            } else {
                assertNull(response.header("Link"));
            }
        } while (cursor != null);
        return pages;
    }

    @Test
    void filtersByTimeNewestFirstToo() {
        List<Map<String, Object>> all = events(Map.of("project", project)).getList("events");
        String middle = (String) all.get(4).get("time");
        String end = (String) all.get(8).get("time");
        List<String> window = new ArrayList<>(events(Map.of("project", project, "since", middle, "until", end)).getList("events.id"));
        java.util.Collections.reverse(window);
        assertEquals(window, events(Map.of("project", project, "since", middle, "until", end, "order", "desc")).getList("events.id"));
        // Without a filter of its own the time range is read through its seq bounds: the same events, both ways.
        List<String> ours = all.stream().map(e -> (String) e.get("id")).toList();
        List<String> everyProject = new ArrayList<>(events(Map.of("since", middle, "until", end, "order", "desc", "limit", "500"))
                .getList("events.id"));
        everyProject.retainAll(ours);
        assertEquals(window, everyProject);
        List<String> everyProjectOldestFirst = new ArrayList<>(events(Map.of("since", middle, "until", end, "limit", "500"))
                .getList("events.id"));
        everyProjectOldestFirst.retainAll(ours);
        java.util.Collections.reverse(everyProjectOldestFirst);
        assertEquals(window, everyProjectOldestFirst);
        List<String> since = events(Map.of("project", project, "since", middle, "order", "desc", "limit", "2")).getList("events.id");
        assertEquals(List.of(all.get(all.size() - 1).get("id"), all.get(all.size() - 2).get("id")), since);
        // A range with no event in it is an empty page, whichever the order.
        given().queryParam("project", project).queryParam("since", "2999-01-01T00:00:00Z").get("/api/v1/events").then()
                .statusCode(200).body("events", hasSize(0)).body("next", org.hamcrest.Matchers.nullValue());
        given().queryParam("project", project).queryParam("until", "2000-01-01T00:00:00Z").queryParam("order", "desc")
                .get("/api/v1/events").then().statusCode(200).body("events", hasSize(0));
    }

    /**
     * A time range is bounded in seq by the hours of published events and by the unpublished events themselves: an
     * event written long after its time (seq late, time early) is found either way, published already when written
     * or stamped by the relay later, and a bound one millisecond past it leaves it out.
     */
    @Test
    void findsAnEventOfAnOldHourWhetherPublishedOrNotAndNotPastItsTime() {
        String copy = "INSERT INTO registry_event (id, type, repository, project, subject, digest, tag, actor, occurred_at, data, published_at) "
                + "SELECT gen_random_uuid(), type, repository, project, subject, digest, tag, actor, '%s', data, %s FROM registry_event "
                + "WHERE repository = '" + app + "' AND type = 'io.wharf.repository.created' AND occurred_at > '2002-01-01Z'";
        TestDatabase.execute(copy.formatted("2001-02-03T04:10:00Z", "now()"));
        TestDatabase.execute(copy.formatted("2001-02-03T04:50:00Z", "NULL"));
        for (int pass = 0; pass < 2; pass++) {
            for (String order : List.of("asc", "desc")) {
                for (Map<String, String> filter : List.of(Map.of("project", project), Map.of("type", "repository.created"), Map.<String, String>of())) {
                    Map<String, String> q = new java.util.HashMap<>(filter);
                    q.put("order", order);
                    q.put("since", "2001-02-03T04:00:00Z");
                    q.put("until", "2001-02-03T05:00:00Z");
                    assertEquals(List.of(order.equals("asc") ? "2001-02-03T04:10:00Z" : "2001-02-03T04:50:00Z",
                            order.equals("asc") ? "2001-02-03T04:50:00Z" : "2001-02-03T04:10:00Z"), events(q).getList("events.time"), q.toString());
                    q.put("since", "2001-02-03T04:50:00Z");
                    assertEquals(List.of("2001-02-03T04:50:00Z"), events(q).getList("events.time"), q.toString());
                    q.put("since", "2001-02-03T04:50:00.001Z");
                    assertEquals(List.of(), events(q).getList("events.time"), q.toString());
                    q.put("since", "2001-02-03T04:00:00Z");
                    q.put("until", "2001-02-03T04:10:00Z");
                    assertEquals(List.of(), events(q).getList("events.time"), q.toString());
                    q.put("until", "2001-02-03T04:10:00.001Z");
                    assertEquals(List.of("2001-02-03T04:10:00Z"), events(q).getList("events.time"), q.toString());
                }
            }
            // The second pass once the relay has stamped the late event as published (its hour is counted then).
            TestDatabase.awaitRow("SELECT 1 FROM registry_event WHERE project = '" + project + "' AND occurred_at = '2001-02-03T04:50:00Z' "
                    + "AND published_at IS NOT NULL");
        }
    }

    @Test
    void refusesAnUnknownOrderAndACursorOfTheOtherOrderWith400() {
        badRequest(Map.of("order", "newest"), "order");
        badRequest(Map.of("order", "DESC"), "order");
        String ascCursor = given().queryParam("project", project).queryParam("limit", 1).get("/api/v1/events")
                .then().statusCode(200).extract().jsonPath().getString("next");
        String descCursor = given().queryParam("project", project).queryParam("limit", 1).queryParam("order", "desc")
                .get("/api/v1/events").then().statusCode(200).extract().jsonPath().getString("next");
        assertNotNull(ascCursor);
        assertNotNull(descCursor);
        badRequest(Map.of("project", project, "order", "desc", "cursor", ascCursor), "cursor");
        badRequest(Map.of("project", project, "cursor", descCursor), "cursor");
        badRequest(Map.of("order", "desc", "cursor", Base64.getUrlEncoder().encodeToString("desc:0".getBytes(StandardCharsets.UTF_8))),
                "cursor");
    }

    @Test
    void returnsOneEventById() {
        Map<String, Object> listed = events(Map.of("repository", app, "type", "tag.created")).getMap("events[0]");
        given().get("/api/v1/events/" + listed.get("id")).then().statusCode(200)
                .contentType(containsString("application/json"))
                .body("id", equalTo(listed.get("id")))
                .body("type", equalTo("io.wharf.tag.created"))
                .body("time", equalTo(listed.get("time")))
                .body("data.digest", equalTo(first.digest()))
                .body("data.tag", equalTo("v1"));
    }

    @Test
    void answers404ForAnUnknownEvent() {
        given().get("/api/v1/events/" + UUID.randomUUID()).then().statusCode(404).body("code", equalTo("EVENT_UNKNOWN"));
        given().get("/api/v1/events/not-an-event-id").then().statusCode(404);
        given().get("/api/v1/events/" + UUID.randomUUID() + "/trace").then().statusCode(404);
    }

    @Test
    void anonymousQueriesAreRefusedWithAChallengeUnlessAboutPublicProjects() {
        // The project of the history is private: anonymous callers are told to sign in, not shown an empty page or a 404.
        String id = events(Map.of("repository", app, "type", "tag.created")).getString("events[0].id");
        for (String path : List.of("/api/v1/events", "/api/v1/events?project=" + project, "/api/v1/events?repository=" + app,
                "/api/v1/events?type=tag.created", "/api/v1/events/" + id, "/api/v1/events/" + id + "/trace",
                "/api/v1/events/" + UUID.randomUUID(), "/api/v1/events/" + UUID.randomUUID() + "/trace")) {
            Oci.anonymous().get(path).then().statusCode(401)
                    .header("WWW-Authenticate", equalTo("Basic realm=\"wharf\""))
                    .contentType(containsString("application/problem+json"))
                    .body("code", equalTo("UNAUTHORIZED"))
                    .body("detail", containsString("sign in"));
        }
        // A query about a public project is answered.
        String open = Accounts.project("evq-public", true);
        Oci.pushImage(open + "/app", "v1");
        String publicId = Oci.anonymous().queryParam("project", open).get("/api/v1/events").then().statusCode(200)
                .body("events.size()", org.hamcrest.Matchers.greaterThan(0)).extract().jsonPath().getString("events[0].id");
        Oci.anonymous().queryParam("repository", open + "/app").get("/api/v1/events").then().statusCode(200)
                .body("events.size()", org.hamcrest.Matchers.greaterThan(0));
        Oci.anonymous().get("/api/v1/events/" + publicId).then().statusCode(200).body("id", equalTo(publicId));
        Oci.anonymous().get("/api/v1/events/" + publicId + "/trace").then().statusCode(200);
        // Naming a public project and a private one's repository is not about public projects only.
        Oci.anonymous().queryParam("project", open).queryParam("repository", app).get("/api/v1/events").then().statusCode(401);
    }

    @Test
    void refusesInvalidFiltersWith400() {
        String notOurs = Base64.getUrlEncoder().encodeToString("offset=3".getBytes(StandardCharsets.UTF_8));
        Map<String, String> refused = Map.ofEntries(
                Map.entry("type", "artifact.exploded"),
                Map.entry("limit", "0"),
                Map.entry("cursor", "%%%"),
                Map.entry("since", "yesterday"),
                Map.entry("until", "2026-13-01T00:00:00Z"));
        refused.forEach((name, value) -> badRequest(Map.of(name, value), name));
        badRequest(Map.of("type", "notification.delivered"), "type");
        badRequest(Map.of("limit", "501"), "limit");
        badRequest(Map.of("limit", "many"), "limit");
        badRequest(Map.of("cursor", notOurs), "cursor");
        badRequest(Map.of("since", "2026-01-02T00:00:00Z", "until", "2026-01-01T00:00:00Z"), "since");
        given().queryParam("limit", 500).get("/api/v1/events").then().statusCode(200);
    }

    @Test
    void showsOnlyEventsOfProjectsTheCallerMayRead() {
        // The project here is private (an admin's push created it).
        String id = events(Map.of("repository", app, "type", "tag.created")).getString("events[0].id");
        String user = Accounts.user("reader");
        Accounts.as(user).queryParam("project", project).get("/api/v1/events").then().statusCode(200).body("events", hasSize(0));
        Accounts.as(user).get("/api/v1/events/" + id).then().statusCode(404).body("code", equalTo("EVENT_UNKNOWN"));
        Oci.anonymous().queryParam("project", project).get("/api/v1/events").then().statusCode(401)
                .header("WWW-Authenticate", equalTo("Basic realm=\"wharf\"")).body("code", equalTo("UNAUTHORIZED"));
        Accounts.as(user, "wrong-password").get("/api/v1/events").then().statusCode(401);
        // A limited guest pulls but does not read the project's events; a guest does.
        Accounts.member(project, user, "limitedGuest");
        Accounts.as(user).get("/api/v1/events/" + id).then().statusCode(404);
        Accounts.member(project, user, "guest");
        Accounts.as(user).get("/api/v1/events/" + id).then().statusCode(200).body("data.tag", equalTo("v1"));
        Accounts.as(user).queryParam("project", project).get("/api/v1/events").then().statusCode(200)
                .body("events.size()", org.hamcrest.Matchers.greaterThan(0));
    }

    @Test
    void documentsTheEventApiInOpenApi() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/events"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/events/{id}/trace"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/events/stream"))
                .body("paths.'/api/v1/events'.get.parameters.find { it.name == 'order' }.schema.enum", equalTo(List.of("asc", "desc")))
                .body("components.schemas", org.hamcrest.Matchers.hasKey("Event"));
    }

    private static void badRequest(Map<String, String> params, String parameter) {
        given().queryParams(params).get("/api/v1/events").then().statusCode(400)
                .body("code", equalTo("INVALID_QUERY"))
                .body("errors[0].field", equalTo(parameter))
                .body("detail", notNullValue());
    }

    private static JsonPath events(Map<String, String> params) {
        return given().queryParams(params).get("/api/v1/events").then().statusCode(200)
                .body("events", notNullValue()).extract().jsonPath();
    }
}
