package io.wharf.notifier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.wharf.access.testing.RegistryStandIn;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Api;
import io.wharf.notifier.support.Kafka;
import io.wharf.notifier.support.Receiver;
import io.wharf.notifier.support.Receiver.Answer;
import io.wharf.notifier.support.StartTlsRefusingSmtpServer;
import io.wharf.notifier.support.StartTlsRefusingSmtpServer.Received;

/**
 * Email through a real SMTP server that offers STARTTLS and then refuses it (454), with the default
 * opportunistic STARTTLS (quarkus.mailer.start-tls=OPTIONAL): mail goes out in plain text, and the
 * owner's "subscription disabled" mail is tried again while the server refuses sessions.
 */
@QuarkusTest
@TestProfile(EmailStartTlsTest.Profile.class)
class EmailStartTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Its own server and mailer settings: the module's other SMTP server (GreenMail) stays out. */
    public static class Profile implements QuarkusTestProfile {
        protected String startTls() {
            return "OPTIONAL";
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(WharfInfraTestResource.class, Map.of("database", "wharf_notifier_test")),
                    new TestResourceEntry(RegistryStandIn.class),
                    new TestResourceEntry(StartTlsRefusingSmtpServer.class, Map.of("start-tls", startTls())));
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    static List<Received> awaitMails(String address, int count) {
        return await(count + " mails to " + address).atMost(WAIT)
                .until(() -> StartTlsRefusingSmtpServer.receivedBy(address), list -> list.size() >= count);
    }

    /** An email subscription of {@code project} to {@code to}. */
    static JsonPath mailSubscription(String project, String to) {
        return Api.create(Map.of("name", "mail of " + project, "scope", "PROJECT", "project", project, "channel", "EMAIL",
                "recipients", List.of(to)));
    }

    @Test
    void sendsInPlainTextWhenTheServerRefusesStartTls() {
        String project = Api.project("tls");
        String to = project + "@ops.test";
        JsonPath sub = mailSubscription(project, to);
        int refusedBefore = StartTlsRefusingSmtpServer.startTlsRefused();
        Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "2.0.1"));

        Received mail = awaitMails(to, 1).get(0);
        assertTrue(mail.message().contains("Subject: [Wharf] " + project + "/api:2.0.1 pushed"), mail.message());
        assertTrue(StartTlsRefusingSmtpServer.startTlsRefused() > refusedBefore, "the server was asked for STARTTLS and refused it");
        List<Map<String, Object>> deliveries = Api.awaitDeliveries(sub.getString("id"), 1, "DELIVERED");
        assertEquals(1, ((Number) deliveries.get(0).get("attempts")).intValue(), "delivered at the first attempt");
    }

    @Test
    void triesTheOwnersMailAgainUntilTheServerTakesIt() throws Exception {
        try (Receiver receiver = Receiver.start().otherwise(Answer.of(410))) {
            String project = Api.project("owner-retry");
            String owner = project + "@owner.test";
            JsonPath sub = Api.create(Map.of("name", "gone hook", "scope", "PROJECT", "project", project,
                    "channel", "WEBHOOK", "url", receiver.url("/hook"), "ownerEmail", owner));
            // The mail server is busy for the first two tries (421 at the greeting).
            StartTlsRefusingSmtpServer.refuseNextSessions(2);
            Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "1"));

            Received mail = awaitMails(owner, 1).get(0);
            assertTrue(mail.message().contains("gone hook") && mail.message().contains("disabled"), mail.message());
            assertTrue(mail.message().contains(sub.getString("id")), mail.message());
            assertEquals(false, Api.subscription(sub.getString("id")).getBoolean("enabled"));
        }
    }
}
