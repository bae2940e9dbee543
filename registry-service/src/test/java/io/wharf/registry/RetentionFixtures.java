package io.wharf.registry;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import io.wharf.events.DeploymentEventData;
import io.wharf.events.EventType;
import io.wharf.events.GoldenSamples;
import io.wharf.events.WharfEvent;

/** What the retention tests share: small images that differ only in an annotation, policies, runs, deployments. */
final class RetentionFixtures {

    private RetentionFixtures() {
    }

    /** A repository with one config and one layer pushed, from which manifests are made. */
    record Repo(String name, Oci.Descriptor config, Oci.Descriptor layer) {

        static Repo create(String name) {
            return new Repo(name, Oci.pushBlob(name, Oci.OCI_CONFIG, Oci.utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}")),
                    Oci.pushBlob(name, Oci.randomBytes(32)));
        }

        /** The bytes of image manifest number {@code n} of this repository (optionally with a subject). */
        byte[] manifest(String n, Oci.Descriptor subject) {
            JsonObject m = Oci.imageManifest(Oci.OCI_MANIFEST, config, layer).put("annotations", new JsonObject().put("n", n));
            if (subject != null) {
                m.put("subject", subject.json()).put("artifactType", "application/vnd.example.signature");
            }
            return Oci.bytes(m);
        }

        /** Pushes image {@code n} under {@code reference} (a tag, or its digest for none); returns its descriptor. */
        Oci.Descriptor push(String n, String reference) {
            byte[] body = manifest(n, null);
            return Oci.pushManifest(name, reference == null ? Oci.sha256(body) : reference, Oci.OCI_MANIFEST, body);
        }

        /** An untagged referrer (a signature) of {@code subject}. */
        Oci.Descriptor referrer(String n, Oci.Descriptor subject) {
            byte[] body = manifest(n, subject);
            return Oci.pushManifest(name, Oci.sha256(body), Oci.OCI_MANIFEST, body);
        }

        /** An index over {@code children} under {@code tag}. */
        Oci.Descriptor index(String tag, Oci.Descriptor... children) {
            byte[] body = Oci.bytes(Oci.index(Oci.OCI_INDEX, children));
            return Oci.pushManifest(name, tag, Oci.OCI_INDEX, body);
        }

        boolean has(String reference) {
            int status = Oci.given().head("/v2/" + name + "/manifests/" + reference).then().extract().statusCode();
            if (status != 200 && status != 404) {
                throw new AssertionError("HEAD " + reference + " answered " + status);
            }
            return status == 200;
        }
    }

    /** A rule as the API takes it. */
    static Map<String, Object> rule(String kind, Integer count, String tags, boolean untagged) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("kind", kind);
        if (count != null) {
            rule.put("count", count);
        }
        if (tags != null) {
            boolean exclude = tags.startsWith("!");
            rule.put("tags", Map.of("pattern", exclude ? tags.substring(1) : tags, "exclude", exclude));
        }
        rule.put("untagged", untagged);
        return rule;
    }

    static Map<String, Object> repositories(Map<String, Object> rule, String pattern, boolean exclude) {
        Map<String, Object> copy = new LinkedHashMap<>(rule);
        copy.put("repositories", Map.of("pattern", pattern, "exclude", exclude));
        return copy;
    }

    @SafeVarargs
    static void policy(String project, Map<String, Object>... rules) {
        Admin.given().contentType(ContentType.JSON).body(Map.of("rules", List.of(rules)))
                .put("/api/v1/projects/" + project + "/retention").then().statusCode(200);
    }

    static void untaggedPolicy(String project, int graceHours) {
        Admin.given().contentType(ContentType.JSON).body(Map.of("rules", List.of(), "deleteUntagged", true, "untaggedGraceHours", graceHours))
                .put("/api/v1/projects/" + project + "/retention").then().statusCode(200);
    }

    /** Runs retention (or untagged cleanup) as the administrator; returns the run with its report. */
    static JsonPath run(String project, String kind, boolean dryRun) {
        return Admin.given().contentType(ContentType.JSON).body(Map.of("dryRun", dryRun, "kind", kind))
                .post("/api/v1/projects/" + project + "/retention/runs").then().statusCode(201).extract().jsonPath();
    }

    /** digest → action (KEEP / DELETE) of every artifact in a run's report. */
    static Map<String, String> actions(JsonPath run) {
        return items(run, "action");
    }

    /** digest → reason of every artifact in a run's report. */
    static Map<String, String> reasons(JsonPath run) {
        return items(run, "reason");
    }

    /** digest → {@code field} of every artifact in a run's report. */
    private static Map<String, String> items(JsonPath run, String field) {
        Map<String, String> values = new LinkedHashMap<>();
        List<Map<String, Object>> repos = run.getList("report.repositories");
        for (Map<String, Object> repo : repos) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> items = (List<Map<String, Object>>) repo.get("items");
            items.forEach(i -> values.put((String) i.get("digest"), (String) i.get(field)));
        }
        return values;
    }

    /**
     * A deployment event of {@code type} as the deployer publishes it (the golden sample's target and
     * rule), deploying {@code digest} of the repository after {@code previous}.
     */
    static WharfEvent<DeploymentEventData> deployment(EventType type, String repository, String tag, String digest, String previous) {
        DeploymentEventData golden = GoldenSamples.event(type).deploymentData();
        return WharfEvent.create(type, URI.create("/wharf/deployer"), DeploymentEventData.builder()
                .eventId(java.util.UUID.randomUUID().toString()).ruleId(golden.ruleId()).deploymentId(Oci.suffix())
                .target(golden.target()).repository(repository).tag(tag).digest(digest).previousDigest(previous)
                .image("localhost/" + repository + ":" + tag + "@" + digest).message(golden.message()).build());
    }

    /** Publishes deployment events on the pipeline topic and waits until the registry recorded each digest. */
    static void deployed(String bootstrapServers, List<WharfEvent<DeploymentEventData>> events) throws Exception {
        TestKafka.publish(bootstrapServers, events.toArray(WharfEvent[]::new));
        List<String> digests = new ArrayList<>();
        for (WharfEvent<DeploymentEventData> e : events) {
            for (String d : new String[] {e.data().digest(), e.data().previousDigest()}) {
                if (d != null) {
                    digests.add("('" + e.data().repository() + "', '" + d + "')");
                }
            }
        }
        String wanted = String.join(", ", digests);
        io.vertx.mutiny.sqlclient.Pool pool = io.quarkus.arc.Arc.container().instance(io.vertx.mutiny.sqlclient.Pool.class).get();
        await("deployed digests recorded").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> pool.query("SELECT count(DISTINCT (repository, digest)) FROM registry.deployed_digest WHERE (repository, digest) IN ("
                        + wanted + ")").execute().await().indefinitely().iterator().next().getLong(0) == digests.stream().distinct().count());
    }
}
