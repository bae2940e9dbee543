package io.wharf.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;

import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * How fast {@code GET /api/v1/audit} answers a filtered first page over a large log: loads
 * {@value #ROWS} entries spread over the last twelve months (one partition each) with SQL, then
 * times first pages (50 entries) by actor, project, action prefix, a one-week time range, and all
 * combined, through the real API as the administrator (java.net.http, one connection kept alive): {@value #RUNS} requests per filter (each with
 * another actor, project or week) after {@value #WARM_UP} to warm up; prints p50 and p95 and writes
 * them to {@code target/audit-bench.txt}. The rows live in the run's own database (the test
 * resource's {@code wharf_registry_test_<pid>}), which is dropped when the run ends. Not part of the suite (no *Test suffix): {@code -Dtest=AuditQueryBench}; the row
 * count can be lowered with {@code -Daudit.bench.rows=N}.
 */
@QuarkusTest
class AuditQueryBench {

    static final long ROWS = 10_000_000;
    static final int RUNS = 100;
    static final int WARM_UP = 10;
    private static final int ACTORS = 5000;
    private static final int PROJECTS = 1000;
    private static final String[] ACTIONS = {"sign-in.succeeded", "sign-in.failed", "sign-in.locked", "token.issued", "token.revoked",
        "account.created", "account.deleted", "account.password-changed", "member.added", "member.changed", "member.removed",
        "robot.created", "robot.secret-rotated", "robot.deleted", "pat.created", "pat.deleted", "project.created",
        "project.visibility-changed", "subscription.changed", "rule.changed"};

    @Test
    void filteredFirstPagesOverTenMillionEntries() throws Exception {
        long rows = Long.getLong("audit.bench.rows", ROWS);
        Pool pool = Arc.container().instance(Pool.class).get();
        long started = System.nanoTime();
        pool.query("SELECT audit_ensure_partition(now() - make_interval(months => g)) FROM generate_series(0, 12) g")
                .execute().await().indefinitely();
        String actions = "ARRAY['" + String.join("','", ACTIONS) + "']";
        long batch = 1_000_000;
        for (long first = 1; first <= rows; first += batch) {
            long last = Math.min(rows, first + batch - 1);
            // one row per g: actor, project and action vary independently; times spread evenly over 360 days
            pool.query("""
                    INSERT INTO audit_record (id, time, service, action, family, outcome, actor, actor_kind, role, address, request_id,
                                              project, subject, summary)
                    SELECT gen_random_uuid(), now() - ((g::bigint * 7919) %% 31104000) * interval '1 second', 'registry', a, split_part(a, '.', 1),
                           'success', 'user' || (g %% %d), 'user', 'developer', '10.0.' || (g %% 250) || '.' || (g %% 199),
                           md5(g::text), 'project' || ((g / 7) %% %d), 'subject' || g, '{"role":"developer"}'::jsonb
                    FROM generate_series(%d, %d) g, LATERAL (SELECT (%s)[1 + (g / 13) %% %d] AS a) x"""
                    .formatted(ACTORS, PROJECTS, first, last, actions, ACTIONS.length)).execute().await().indefinitely();
            System.out.printf("audit bench: %d of %d rows loaded%n", last, rows);
        }
        pool.query("ANALYZE audit_record").execute().await().indefinitely();
        long loadSeconds = (System.nanoTime() - started) / 1_000_000_000L;
        long partitions = pool.query("SELECT count(*) AS n FROM pg_inherits WHERE inhparent = 'audit_record'::regclass")
                .execute().await().indefinitely().iterator().next().getLong("n");

        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Map<String, IntFunction<Map<String, Object>>> filters = new LinkedHashMap<>();
        filters.put("actor", i -> Map.of("actor", "user" + (i * 37 % ACTORS)));
        filters.put("project", i -> Map.of("project", "project" + (i * 13 % PROJECTS)));
        filters.put("action prefix (member.)", i -> Map.of("action", "member."));
        filters.put("action (exact)", i -> Map.of("action", ACTIONS[i % ACTIONS.length]));
        filters.put("time range (one week)", i -> Map.of("from", now.minusDays(7 + i * 3 % 330).toString(),
                "to", now.minusDays(i * 3 % 330).toString()));
        filters.put("combined (actor, action prefix, project, 90 days)", i -> Map.of("actor", "user" + (i * 37 % ACTORS),
                "action", ACTIONS[i % ACTIONS.length].substring(0, ACTIONS[i % ACTIONS.length].indexOf('.') + 1),
                "project", "project" + (i * 37 % ACTORS / 7 % PROJECTS),
                "from", now.minusDays(90 + i % 200).toString(), "to", now.minusDays(i % 200).toString()));

        HttpClient client = HttpClient.newHttpClient();
        URI base = URI.create(RestAssured.baseURI + ":" + RestAssured.port);
        StringBuilder report = new StringBuilder();
        report.append("rows: ").append(rows).append(", partitions: ").append(partitions).append(", load: ").append(loadSeconds)
                .append(" s\n");
        report.append(String.format("%-52s %8s %8s %8s%n", "filter (first page, limit 50)", "p50 ms", "p95 ms", "max ms"));
        for (Map.Entry<String, IntFunction<Map<String, Object>>> f : filters.entrySet()) {
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < WARM_UP + RUNS; i++) {
                StringBuilder query = new StringBuilder("/api/v1/audit?limit=50");
                f.getValue().apply(i).forEach((k, v) -> query.append('&').append(k).append('=')
                        .append(URLEncoder.encode(v.toString(), StandardCharsets.UTF_8)));
                HttpRequest request = Admin.request(base.resolve(query.toString())).GET().build();
                long t0 = System.nanoTime();
                HttpResponse<String> page = client.send(request, HttpResponse.BodyHandlers.ofString());
                double ms = (System.nanoTime() - t0) / 1e6;
                assertEquals(200, page.statusCode(), page.body());
                if (i >= WARM_UP) {
                    millis.add(ms);
                }
            }
            Collections.sort(millis);
            report.append(String.format("%-52s %8.1f %8.1f %8.1f%n", f.getKey(), millis.get(millis.size() / 2),
                    millis.get((int) Math.ceil(millis.size() * 0.95) - 1), millis.get(millis.size() - 1)));
        }
        System.out.println(report);
        Files.writeString(Path.of("target", "audit-bench.txt"), report);
    }
}
