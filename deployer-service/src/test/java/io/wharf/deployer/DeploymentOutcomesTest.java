package io.wharf.deployer;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.wharf.deployer.support.Api;
import io.wharf.deployer.support.FakeTarget;
import io.wharf.deployer.support.Registry;
import io.wharf.deployer.support.Tokens;
import io.wharf.events.DeploymentEventData;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;
import io.wharf.infra.WharfInfraTestResource;

/**
 * What a rule decides about a push, as its history and {@code wharf.pipeline.events} show it: one deployment per
 * (rule, digest) whatever the outcome, every outcome published as a {@code deployment.*} event (skipped,
 * superseded, planned and rejected too), and a dry run deciding as the live rule does.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_deployer_test"))
class DeploymentOutcomesTest {

    private static final String HOST = "registry.test:5000";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aDowngradePushRecordsOneSkippedDeploymentAndPublishesIt() {
        String project = Api.project();
        String repo = project + "/app";
        String rule = Api.createRule(Api.fakeRule(repo, "semver", ">=0.1.0", project, Map.of())).getString("id");
        String newer = Registry.digest();
        String older = Registry.digest();
        push(repo, "1.1.0", newer);
        Api.awaitState(rule, newer, "succeeded");

        WharfEvent<RegistryEventData> pushed = push(repo, "0.9.0", older);

        List<Map<String, Object>> ofOlder = ofDigest(rule, older);
        assertEquals(1, ofOlder.size(), "one deployment of the digest: " + ofOlder);
        assertEquals("skipped", ofOlder.get(0).get("state"));
        assertEquals(pushed.id(), ofOlder.get(0).get("eventId"));
        DeploymentEventData skipped = published(EventType.DEPLOYMENT_SKIPPED, (String) ofOlder.get(0).get("id"));
        assertEquals(pushed.id(), skipped.eventId());
        assertEquals(rule, skipped.ruleId());
        assertEquals(older, skipped.digest());
        assertEquals("0.9.0", skipped.tag());
        assertTrue(skipped.message().contains("downgrade: 0.9.0 is lower than 1.1.0"), skipped.message());
        assertEquals(1, FakeTarget.place(project).orders.size(), "the downgrade was not applied");
    }

    @Test
    void aPushToAHeldRuleRecordsOneSkippedDeploymentAndPublishesIt() {
        String project = Api.project();
        String repo = project + "/app";
        String rule = Api.createRule(Api.fakeRule(repo, "semver", ">=0.1.0", project, Map.of())).getString("id");
        hold(project, rule, "freeze for the audit");
        String digest = Registry.digest();

        WharfEvent<RegistryEventData> pushed = push(repo, "2.0.0", digest);

        List<Map<String, Object>> all = ofDigest(rule, digest);
        assertEquals(1, all.size(), "one deployment of the digest: " + all);
        assertEquals("skipped", all.get(0).get("state"));
        DeploymentEventData skipped = published(EventType.DEPLOYMENT_SKIPPED, (String) all.get(0).get("id"));
        assertEquals(pushed.id(), skipped.eventId());
        assertEquals("rule on hold: freeze for the audit", skipped.message());
        assertTrue(FakeTarget.place(project).orders.isEmpty());
    }

    /**
     * A digest skipped while the rule was held is a decision about that push, not about the digest for good: pushed
     * again after the hold is released, it is deployed (and still once).
     */
    @Test
    void aDigestSkippedWhileHeldIsDeployedWhenPushedAgainAfterRelease() {
        String project = Api.project();
        String repo = project + "/app";
        String rule = Api.createRule(Api.fakeRule(repo, "exact", "main", project, Map.of())).getString("id");
        hold(project, rule, null);
        String digest = Registry.digest();
        push(repo, "main", digest);
        given().auth().oauth2(Tokens.user("m", project, "maintainer")).delete("/api/v1/rules/" + rule + "/hold")
                .then().statusCode(200);

        WharfEvent<RegistryEventData> again = Registry.pushed(repo, "main", digest);
        Registry.send(bootstrap, again, again);

        Api.awaitState(rule, digest, "succeeded");
        assertEquals(List.of("skipped", "succeeded"), Api.settled(rule, 2).stream().map(d -> d.get("state")).sorted().toList());
        assertEquals(List.of(HOST + "/" + repo + ":main@" + digest), FakeTarget.place(project).appliedImages());
    }

    /** The first push waits out its debounce, recorded; the second supersedes the existing row. */
    @Test
    void aDeploymentSupersededByANewerPushIsPublished() {
        supersededIsPublished(true);
    }

    /** Both pushes arrive together (usually one batch): the second supersedes a row of the same batch. */
    @Test
    void aDeploymentSupersededByAPushRightBehindItIsPublished() {
        supersededIsPublished(false);
    }

    private void supersededIsPublished(boolean firstRecordedAlone) {
        String project = Api.project();
        String repo = project + "/app";
        String rule = Api.createRule(Api.fakeRule(repo, "semver", ">=1.0.0", project, Map.of("debounce", "2s"))).getString("id");
        String first = Registry.digest();
        String second = Registry.digest();
        WharfEvent<RegistryEventData> firstPush = Registry.pushed(repo, "1.0.1", first);
        WharfEvent<RegistryEventData> secondPush = Registry.pushed(repo, "1.0.2", second);
        if (firstRecordedAlone) {
            Registry.send(bootstrap, firstPush);
            Api.awaitState(rule, first, "waiting");
            Registry.send(bootstrap, secondPush);
        } else {
            Registry.send(bootstrap, firstPush, secondPush);
        }

        String id = (String) Api.awaitState(rule, first, "superseded").get("id");
        DeploymentEventData superseded = published(EventType.DEPLOYMENT_SUPERSEDED, id);
        assertEquals(firstPush.id(), superseded.eventId());
        assertEquals("superseded by " + second + " (1.0.2)", superseded.message());
        Api.awaitState(rule, second, "succeeded");
    }

    @Test
    void aDryRunPublishesItsPlan() {
        String project = Api.project();
        String repo = project + "/app";
        String before = HOST + "/" + repo + ":old@" + Registry.digest();
        FakeTarget.place(project).running = before;
        String rule = Api.createRule(Api.fakeRule(repo, "exact", "main", project, Map.of("dryRun", true))).getString("id");
        String digest = Registry.digest();

        WharfEvent<RegistryEventData> pushed = push(repo, "main", digest);

        String id = (String) Api.awaitState(rule, digest, "planned").get("id");
        DeploymentEventData planned = published(EventType.DEPLOYMENT_PLANNED, id);
        assertEquals(pushed.id(), planned.eventId());
        assertEquals(digest, planned.digest());
        assertEquals(before.substring(before.indexOf('@') + 1), planned.previousDigest());
        assertEquals("dry run: would apply " + HOST + "/" + repo + ":main@" + digest + " in place of " + before, planned.message());
        assertTrue(FakeTarget.place(project).orders.isEmpty());
    }

    @Test
    void aRejectionIsPublished() {
        String project = Api.project();
        String repo = project + "/app";
        String rule = Api.createRule(Api.fakeRule(repo, "exact", "prod", project, Map.of("approvalsRequired", 1))).getString("id");
        String digest = Registry.digest();
        WharfEvent<RegistryEventData> pushed = push(repo, "prod", digest);
        String id = (String) Api.awaitState(rule, digest, "awaiting_approval").get("id");

        given().auth().oauth2(Tokens.user("alice", project, "maintainer")).post("/api/v1/deployments/" + id + "/reject")
                .then().statusCode(200);

        DeploymentEventData rejected = published(EventType.DEPLOYMENT_REJECTED, id);
        assertEquals(pushed.id(), rejected.eventId());
        assertEquals("rejected by alice", rejected.message());
    }

    /** Two rules on one repository, one live and one dry run: the dry run skips the downgrade the live rule skips. */
    @Test
    void aDryRunSkipsTheDowngradeTheLiveRuleSkips() {
        String project = Api.project();
        String repo = project + "/app";
        List<String> rules = liveAndDry(repo, "semver", ">=1.0.0");
        String live = rules.get(0);
        String dry = rules.get(1);
        String newer = Registry.digest();
        String older = Registry.digest();
        push(repo, "1.1.0", newer);
        Api.awaitState(live, newer, "succeeded");
        Api.awaitState(dry, newer, "planned");

        push(repo, "1.0.5", older);

        Map<String, Object> liveOutcome = Api.awaitState(live, older, "skipped");
        Map<String, Object> dryOutcome = Api.settled(dry, 2).stream().filter(d -> older.equals(d.get("toDigest"))).findFirst().orElseThrow();
        assertEquals("skipped", dryOutcome.get("state"), "the dry run predicts what the live rule does: " + dryOutcome);
        assertEquals(liveOutcome.get("reason"), dryOutcome.get("reason"));
        assertEquals(List.of(HOST + "/" + repo + ":1.1.0@" + newer), FakeTarget.place(project + "-live").appliedImages());
        assertTrue(FakeTarget.place(project + "-dry").orders.isEmpty());
        assertNull(Api.rule(dry).get("lastVersion"), "a dry run deploys nothing: the live guard is untouched");
    }

    /** A dry run keeps its minimum interval between its plans, as the live rule keeps it between its changes. */
    @Test
    void aDryRunKeepsTheMinimumIntervalAsTheLiveRuleDoes() {
        String project = Api.project();
        String repo = project + "/app";
        String dry = Api.createRule(Api.fakeRule(repo, "exact", "main", project,
                Map.of("dryRun", true, "minInterval", "5s"))).getString("id");
        String first = Registry.digest();
        String second = Registry.digest();
        push(repo, "main", first);
        Map<String, Object> firstPlan = Api.awaitState(dry, first, "planned");

        Registry.send(bootstrap, Registry.event(EventType.TAG_UPDATED, repo, "main", second));

        // What stays once the short "waiting (minimum interval)" state is over: when the second plan was due.
        Map<String, Object> secondPlan = Api.awaitState(dry, second, "planned");
        assertEquals(OffsetDateTime.parse((String) firstPlan.get("startedAt")).plusSeconds(5).toInstant(),
                OffsetDateTime.parse((String) secondPlan.get("notBefore")).toInstant(),
                "due when the minimum interval after the first plan ends");
    }

    /** Two held rules on one repository, one live and one dry run: both skip the push, for the same reason. */
    @Test
    void aDryRunSkipsWhatAHeldLiveRuleSkips() {
        String project = Api.project();
        String repo = project + "/app";
        List<String> rules = liveAndDry(repo, "glob", "*");
        String live = rules.get(0);
        String dry = rules.get(1);
        hold(project, live, "release freeze");
        hold(project, dry, "release freeze");
        String digest = Registry.digest();

        push(repo, "main", digest);

        Map<String, Object> liveOutcome = Api.awaitState(live, digest, "skipped");
        Map<String, Object> dryOutcome = Api.settled(dry, 1).get(0);
        assertEquals("skipped", dryOutcome.get("state"));
        assertEquals(liveOutcome.get("reason"), dryOutcome.get("reason"));
        assertEquals(1, Api.deployments(live).size());
    }

    /** Two rules alike on {@code repo}, the second a dry run; at the places {@code <project>-live} and {@code -dry}. */
    private static List<String> liveAndDry(String repo, String policyKind, String policy) {
        String project = repo.substring(0, repo.indexOf('/'));
        return List.of(Api.createRule(Api.fakeRule(repo, policyKind, policy, project + "-live", Map.of())).getString("id"),
                Api.createRule(Api.fakeRule(repo, policyKind, policy, project + "-dry", Map.of("dryRun", true))).getString("id"));
    }

    /**
     * Pushes {@code tag} as the registry announces a push of a new tag, {@code artifact.pushed} and
     * {@code tag.created} of one digest, and returns once the deployer has taken both in; returns the first.
     */
    private WharfEvent<RegistryEventData> push(String repo, String tag, String digest) {
        WharfEvent<RegistryEventData> pushed = Registry.pushed(repo, tag, digest);
        WharfEvent<RegistryEventData> created = Registry.event(EventType.TAG_CREATED, repo, tag, digest);
        Registry.send(bootstrap, pushed, created);
        Api.awaitTakenIn(created.id());
        return pushed;
    }

    private static void hold(String project, String rule, String reason) {
        given().auth().oauth2(Tokens.user("m", project, "maintainer")).contentType(ContentType.JSON)
                .body(reason == null ? Map.of() : Map.of("reason", reason))
                .post("/api/v1/rules/" + rule + "/hold").then().statusCode(200);
    }

    private static List<Map<String, Object>> ofDigest(String rule, String digest) {
        return Api.deployments(rule).stream().filter(d -> digest.equals(d.get("toDigest"))).toList();
    }

    /** The {@code type} event of the deployment {@code id} on {@code wharf.pipeline.events}. */
    private DeploymentEventData published(EventType type, String id) {
        List<ConsumerRecord<String, byte[]>> records = Registry.pipelineRecords(bootstrap, 1, r -> {
            WharfEvent<?> event = EventCodec.fromKafka(r);
            return event.type() == type && id.equals(((DeploymentEventData) event.data()).deploymentId());
        });
        assertEquals(1, records.size(), "no " + type.cloudEventType() + " of deployment " + id);
        return (DeploymentEventData) EventCodec.fromKafka(records.get(0)).data();
    }
}
