package io.wharf.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.wharf.events.DeploymentEventData;
import io.wharf.events.EventType;
import io.wharf.events.WharfEvent;
import io.wharf.registry.RetentionFixtures.Repo;

/**
 * Random push, tag and deploy histories (seeded: a failure names its seed and replays), each followed by
 * a real retention run with random rules: nothing a deployment runs or may roll back to is ever
 * deleted, and what is kept is exactly what a plain model of the rules, written here apart from the
 * registry's planner, keeps.
 */
@QuarkusTest
class RetentionPropertyTest {

    private static final long SEED = Long.getLong("wharf.retention.seed", 20261207L);
    private static final int ITERATIONS = Integer.getInteger("wharf.retention.iterations", 50);
    private static final String[] TAGS = {"a", "b1", "b2", "c"};
    private static final String[] TAG_SELECTORS = {null, "a", "b*", "!c"};
    private static final EventType[] DEPLOY_TYPES = {EventType.DEPLOYMENT_STARTED, EventType.DEPLOYMENT_SUCCEEDED,
            EventType.DEPLOYMENT_FAILED, EventType.DEPLOYMENT_ROLLEDBACK};

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    /** The model of one repository: manifests with their push time, tags with the time they were set, deployed digests. */
    private static final class Model {
        final Map<String, Long> created = new LinkedHashMap<>();
        final Map<String, String> tagDigest = new HashMap<>();
        final Map<String, Long> tagTime = new HashMap<>();
        final Set<String> deployed = new HashSet<>();

        List<String> tagsOf(String digest) {
            return tagDigest.entrySet().stream().filter(e -> e.getValue().equals(digest)).map(Map.Entry::getKey).sorted().toList();
        }

        long pushedAt(String digest) {
            long t = created.get(digest);
            for (String tag : tagsOf(digest)) {
                t = Math.max(t, tagTime.get(tag));
            }
            return t;
        }
    }

    private record Rule(String kind, Integer count, String tags, boolean untagged) {
        boolean selects(String tag) {
            if (tags == null) {
                return true;
            }
            boolean exclude = tags.startsWith("!");
            String p = exclude ? tags.substring(1) : tags;
            boolean match = p.endsWith("*") ? tag.startsWith(p.substring(0, p.length() - 1)) : tag.equals(p);
            return match != exclude;
        }
    }

    /** Over all iterations: artifacts deleted, and deployed ones that only their deployment kept (the property is not vacuous). */
    private int deleted;
    private int savedByDeployment;

    @Test
    void keepsWhatTheRulesSayAndEverythingDeployed() throws Exception {
        for (int i = 0; i < ITERATIONS; i++) {
            long seed = SEED + i;
            try {
                iteration(new Random(seed));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " (replay with -Dwharf.retention.seed=" + seed + " -Dwharf.retention.iterations=1): "
                        + e.getMessage(), e);
            }
        }
        if (ITERATIONS >= 20) {
            assertTrue(deleted > 0 && savedByDeployment > 0, "deleted " + deleted + ", kept only as deployed " + savedByDeployment);
        }
    }

    private void iteration(Random random) throws Exception {
        String project = Accounts.project("prop", false);
        Repo repo = Repo.create(project + "/app");
        Model model = new Model();
        List<WharfEvent<DeploymentEventData>> deployments = new ArrayList<>();
        String lastDeployed = null;
        int ops = 5 + random.nextInt(8);
        for (long tick = 0; tick < ops; tick++) {
            int op = random.nextInt(100);
            List<String> digests = new ArrayList<>(model.created.keySet());
            if (op < 45 || digests.isEmpty()) {
                String tag = TAGS[random.nextInt(TAGS.length)];
                String digest = repo.push("m" + tick, tag).digest();
                model.created.put(digest, tick);
                model.tagDigest.put(tag, digest);
                model.tagTime.put(tag, tick);
            } else if (op < 60) {
                model.created.put(repo.push("m" + tick, null).digest(), tick);
            } else if (op < 80) {
                String digest = digests.get(random.nextInt(digests.size()));
                String tag = TAGS[random.nextInt(TAGS.length)];
                String n = Oci.given().get("/v2/" + repo.name() + "/manifests/" + digest).then().statusCode(200).extract().path("annotations.n");
                Oci.pushManifest(repo.name(), tag, Oci.OCI_MANIFEST, repo.manifest(n, null));
                model.tagDigest.put(tag, digest);
                model.tagTime.put(tag, tick);
            } else {
                String digest = digests.get(random.nextInt(digests.size()));
                EventType type = DEPLOY_TYPES[random.nextInt(DEPLOY_TYPES.length)];
                deployments.add(RetentionFixtures.deployment(type, repo.name(), "prod", digest, lastDeployed));
                model.deployed.add(digest);
                if (lastDeployed != null) {
                    model.deployed.add(lastDeployed);
                }
                lastDeployed = digest;
            }
        }
        if (!deployments.isEmpty()) {
            RetentionFixtures.deployed(bootstrapServers, deployments);
        }
        List<Rule> rules = new ArrayList<>();
        for (int r = 1 + random.nextInt(2); r > 0; r--) {
            String kind = new String[] {"latestPushed", "latestPushed", "always", "pushedWithinDays"}[random.nextInt(4)];
            rules.add(new Rule(kind, kind.equals("always") ? null : 1 + random.nextInt(3), TAG_SELECTORS[random.nextInt(TAG_SELECTORS.length)],
                    random.nextBoolean()));
        }
        Admin.given().contentType(ContentType.JSON)
                .body(Map.of("rules", rules.stream().map(r -> RetentionFixtures.rule(r.kind(), r.count(), r.tags(), r.untagged())).toList()))
                .put("/api/v1/projects/" + project + "/retention").then().statusCode(200);

        Set<String> expected = kept(model, rules, model.deployed);
        JsonPath run = RetentionFixtures.run(project, "retention", false);
        Map<String, String> expectedActions = new TreeMap<>();
        model.created.keySet().forEach(d -> expectedActions.put(d, expected.contains(d) ? "KEEP" : "DELETE"));
        assertEquals(expectedActions, new TreeMap<>(RetentionFixtures.actions(run)), "the report, for rules " + rules);
        for (String digest : model.created.keySet()) {
            assertEquals(expected.contains(digest), repo.has(digest), digest + " for rules " + rules);
        }
        for (String digest : model.deployed) {
            assertTrue(repo.has(digest), "deployed " + digest + " was deleted");
        }
        deleted += run.getInt("deleted");
        Set<String> byRulesAlone = kept(model, rules, Set.of());
        savedByDeployment += (int) model.deployed.stream().filter(d -> !byRulesAlone.contains(d)).count();
    }

    /** The model's answer: what the rules keep, what no rule has in scope, and every deployed digest. */
    private static Set<String> kept(Model model, List<Rule> rules, Set<String> deployed) {
        Set<String> kept = new HashSet<>(deployed);
        boolean untaggedInScope = rules.stream().anyMatch(Rule::untagged);
        for (String digest : model.created.keySet()) {
            if (model.tagsOf(digest).isEmpty() && !untaggedInScope) {
                kept.add(digest);
            }
        }
        for (Rule rule : rules) {
            List<String> candidates = model.created.keySet().stream().filter(d -> {
                List<String> tags = model.tagsOf(d);
                return tags.isEmpty() ? rule.untagged() : tags.stream().anyMatch(rule::selects);
            }).sorted(Comparator.comparingLong(model::pushedAt).reversed()).toList();
            kept.addAll(rule.kind().equals("latestPushed") ? candidates.subList(0, Math.min(rule.count(), candidates.size())) : candidates);
        }
        return kept;
    }
}
