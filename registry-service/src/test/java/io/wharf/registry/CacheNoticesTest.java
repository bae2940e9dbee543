package io.wharf.registry;

import static io.wharf.registry.Oci.OCI_CONFIG;
import static io.wharf.registry.Oci.OCI_MANIFEST;
import static io.wharf.registry.Oci.assertError;
import static io.wharf.registry.Oci.bytes;
import static io.wharf.registry.Oci.imageManifest;
import static io.wharf.registry.Oci.pushBlob;
import static io.wharf.registry.Oci.pushImage;
import static io.wharf.registry.Oci.putManifest;
import static io.wharf.registry.Oci.utf8;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.wharf.registry.config.CacheNotices;

/**
 * Several registry instances share one database: what one of them changes in projects, memberships,
 * immutability rules and quotas, and the manifests it deletes, are announced ({@code NOTIFY wharf_cached_state}), and the others act
 * on it within a second. The test plays the other instance: it listens on a session of its own, and
 * changes rows in SQL and announces them itself. The caches live for an hour here, so only the
 * announcement (or a reconnection) can explain what this instance does next.
 */
@QuarkusTest
@TestProfile(CacheNoticesTest.LongCaches.class)
class CacheNoticesTest {

    /** Caches that never expire during the test. */
    public static class LongCaches implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("wharf.auth.policy-cache-ttl", "1h", "wharf.immutability.cache-ttl", "1h", "wharf.quota.cache-ttl", "1h",
                    "wharf.registry.cache.content-ttl", "1h");
        }
    }

    /** What another instance announces after its change committed. */
    private static void announce(String state, String project) {
        TestDatabase.execute("select pg_notify('" + CacheNotices.CHANNEL + "', 'another-instance " + state + " " + project + "')");
    }

    /** Waits (up to {@code within}) until the request is answered with the status. */
    private static Response awaitStatus(Supplier<Response> request, int status, Duration within) {
        Response[] last = new Response[1];
        await().atMost(within).pollInterval(Duration.ofMillis(50))
                .until(() -> (last[0] = request.get()).statusCode() == status);
        return last[0];
    }

    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    private static String push(String project) {
        return "/v2/" + project + "/app/blobs/uploads/";
    }

    // ------------------------------------------------------------- announcing

    @Test
    void changesMadeThroughTheApiAreAnnouncedToTheOtherInstances() throws Exception {
        try (PgSession other = PgSession.listening(CacheNotices.CHANNEL)) {
            String project = Accounts.project("announced", true);
            other.awaitNotice(p -> p.endsWith(" ACCESS *"), Duration.ofSeconds(5));

            Admin.given().contentType(ContentType.JSON).body(Map.of("isPublic", false)).put("/api/v1/projects/" + project)
                    .then().statusCode(200).body("isPublic", equalTo(false));
            other.awaitNotice(p -> p.endsWith(" ACCESS *"), Duration.ofSeconds(5));

            String user = Accounts.user("announced-member");
            other.awaitNotice(p -> p.endsWith(" ACCESS *"), Duration.ofSeconds(5)); // its personal project
            Accounts.member(project, user, "developer");
            other.awaitNotice(p -> p.endsWith(" ACCESS *"), Duration.ofSeconds(5));

            QuotaTest.setQuota(project, "1GiB", null);
            other.awaitNotice(p -> p.endsWith(" QUOTA " + project), Duration.ofSeconds(5));

            Admin.given().contentType(ContentType.JSON).body(Map.of("tags", List.of("v*")))
                    .post("/api/v1/projects/" + project + "/immutability-rules").then().statusCode(201);
            other.awaitNotice(p -> p.endsWith(" IMMUTABILITY " + project), Duration.ofSeconds(5));
        }
    }

    // ------------------------------------------------------------- projects

    @Test
    void aProjectMadePrivateElsewhereRefusesAnonymousPullsOfACachedManifestWithinASecond() {
        String project = Accounts.project("went-private", true);
        String repo = project + "/app";
        Oci.Image image = pushImage(repo, "v1");
        Oci.anonymous().get("/v2/" + repo + "/manifests/v1").then().statusCode(200).header("Docker-Content-Digest", image.digest());

        TestDatabase.execute("update project set public = false where name = '" + project + "'");
        // Not announced yet: this instance still answers from what it cached.
        Oci.anonymous().get("/v2/" + repo + "/manifests/v1").then().statusCode(200);

        announce("ACCESS", "*");
        Response refused = awaitStatus(() -> Oci.anonymous().get("/v2/" + repo + "/manifests/v1"), 401, ONE_SECOND);
        assertError(refused, 401, "UNAUTHORIZED").header("WWW-Authenticate", startsWith("Bearer "));
        Oci.anonymous().get("/v2/" + repo + "/blobs/" + image.layer().digest()).then().statusCode(401);
    }

    @Test
    void aProjectMadePublicElsewhereAllowsAnonymousPullsWithinASecond() {
        String project = Accounts.project("went-public", false);
        String repo = project + "/app";
        Oci.Image image = pushImage(repo, "v1");
        assertError(Oci.anonymous().get("/v2/" + repo + "/manifests/v1"), 401, "UNAUTHORIZED");

        TestDatabase.execute("update project set public = true where name = '" + project + "'");
        announce("ACCESS", "*");
        awaitStatus(() -> Oci.anonymous().get("/v2/" + repo + "/manifests/v1"), 200, ONE_SECOND)
                .then().header("Docker-Content-Digest", image.digest());
    }

    // ------------------------------------------------------------- memberships

    @Test
    void aMemberRemovedElsewhereIsRefusedPushWithinASecond() {
        String project = Accounts.project("member-gone", false);
        String user = Accounts.user("member-gone");
        Accounts.member(project, user, "developer");
        Accounts.as(user).post(push(project)).then().statusCode(202);

        TestDatabase.execute("delete from project_member where project_id = (select id from project where name = '" + project + "')"
                + " and account_id = (select id from account where username = '" + user + "')");
        Accounts.as(user).post(push(project)).then().statusCode(202); // not announced yet

        announce("ACCESS", "*");
        Response refused = awaitStatus(() -> Accounts.as(user).post(push(project)), 403, ONE_SECOND);
        assertError(refused, 403, "DENIED");
        assertError(Accounts.as(user).get("/v2/" + project + "/app/tags/list"), 403, "DENIED");
    }

    @Test
    void aMemberAddedElsewhereMayPushWithinASecond() {
        String project = Accounts.project("member-new", false);
        String user = Accounts.user("member-new");
        assertError(Accounts.as(user).post(push(project)), 403, "DENIED");

        TestDatabase.execute("insert into project_member (project_id, account_id, role) select p.id, a.id, 'developer'"
                + " from project p, account a where p.name = '" + project + "' and a.username = '" + user + "'");
        announce("ACCESS", "*");
        awaitStatus(() -> Accounts.as(user).post(push(project)), 202, ONE_SECOND)
                .then().header("Location", startsWith("/v2/" + project + "/app/blobs/uploads/"));
    }

    // ------------------------------------------------------------- rules and quotas

    @Test
    void anImmutabilityRuleAddedElsewhereRefusesMovingATagWithinASecond() {
        String project = Accounts.project("rule-elsewhere", false);
        String repo = project + "/app";
        pushImage(repo, "v1");
        pushImage(repo, "v1"); // no rule yet, and this instance remembers that

        TestDatabase.execute("insert into immutability_rule (project_id, repository_patterns, tag_patterns, created_by)"
                + " select id, array['" + project + "/**'], array['v*'], 'another-instance' from project where name = '" + project + "'");
        announce("IMMUTABILITY", project);
        byte[] moved = bytes(imageManifest(OCI_MANIFEST, pushBlob(repo, OCI_CONFIG, utf8("{\"moved\":\"" + Oci.suffix() + "\"}")),
                pushBlob(repo, Oci.randomBytes(64))));
        Response refused = awaitStatus(() -> putManifest(repo, "v1", OCI_MANIFEST, moved), 403, ONE_SECOND);
        assertError(refused, 403, "DENIED").body("errors[0].message", startsWith("tag " + repo + ":v1 is immutable (rule "));
    }

    @Test
    void aQuotaSetElsewhereRefusesPushesWithinASecond() {
        String project = Accounts.project("quota-elsewhere", false);
        String repo = project + "/app";
        pushImage(repo, "v1"); // no quota: this instance remembers that

        TestDatabase.execute("insert into project_quota (project, artifact_limit) values ('" + project + "', 1)");
        pushImage(repo, "v2"); // not announced yet: still unchecked here

        announce("QUOTA", project);
        byte[] third = bytes(imageManifest(OCI_MANIFEST, pushBlob(repo, OCI_CONFIG, utf8("{\"third\":\"" + Oci.suffix() + "\"}")),
                pushBlob(repo, Oci.randomBytes(64))));
        Response refused = awaitStatus(() -> putManifest(repo, "v3", OCI_MANIFEST, third), 403, ONE_SECOND);
        assertError(refused, 403, "DENIED")
                .body("errors[0].message", equalTo("quota exceeded: project " + project + " has 2 of 1 artifacts; this push needs 1 more"));
    }

    // ------------------------------------------------------------- manifests

    @Test
    void aManifestDeletedHereIsAnnouncedToTheOtherInstances() throws Exception {
        String repo = Oci.repo("deleted-here");
        Oci.Image image = pushImage(repo, "v1");
        try (PgSession other = PgSession.listening(CacheNotices.CHANNEL)) {
            Oci.given().delete("/v2/" + repo + "/manifests/" + image.digest()).then().statusCode(202);
            other.awaitNotice(p -> p.endsWith(" MANIFEST " + repo + "@" + image.digest()), Duration.ofSeconds(5));
        }
        assertError(Oci.given().get("/v2/" + repo + "/manifests/" + image.digest()), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void aManifestDeletedElsewhereIsNoLongerServedFromTheCacheWithinASecond() {
        String project = Accounts.project("deleted-elsewhere", true);
        String repo = project + "/app";
        Oci.Image image = pushImage(repo, "v1");
        String byDigest = "/v2/" + repo + "/manifests/" + image.digest();
        Oci.anonymous().get(byDigest).then().statusCode(200);

        TestDatabase.execute("delete from manifest where digest = '" + image.digest() + "'"
                + " and repository_id = (select id from repository where name = '" + repo + "')");
        Oci.anonymous().get(byDigest).then().statusCode(200); // not announced yet: served from memory

        announce("MANIFEST", repo + "@" + image.digest());
        assertError(awaitStatus(() -> Oci.anonymous().get(byDigest), 404, ONE_SECOND), 404, "MANIFEST_UNKNOWN");
    }

    // ------------------------------------------------------------- missed notices

    @Test
    void aListenerThatReconnectsForgetsEverythingItCached() {
        String project = Accounts.project("reconnected", true);
        String repo = project + "/app";
        pushImage(repo, "v1");
        Oci.anonymous().get("/v2/" + repo + "/manifests/v1").then().statusCode(200);

        // Another instance's change whose notice this instance never hears: its listening session drops.
        TestDatabase.execute("update project set public = false where name = '" + project + "'");
        TestDatabase.execute("select pg_terminate_backend(pid) from pg_stat_activity"
                + " where datname = current_database() and pid <> pg_backend_pid() and query like '%LISTEN%" + CacheNotices.CHANNEL + "%'");
        // The listener reconnects after a second, and forgets.
        Response refused = awaitStatus(() -> Oci.anonymous().get("/v2/" + repo + "/manifests/v1"), 401, Duration.ofSeconds(10));
        assertError(refused, 401, "UNAUTHORIZED");
    }
}
