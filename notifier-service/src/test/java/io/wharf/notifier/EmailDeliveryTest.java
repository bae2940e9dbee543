package io.wharf.notifier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.Api;
import io.wharf.notifier.support.Database;
import io.wharf.notifier.support.Kafka;
import io.wharf.notifier.support.Receiver;
import io.wharf.notifier.support.Receiver.Answer;
import io.wharf.notifier.support.SmtpServer;

/** Email through a real SMTP server: multipart mails, digests, and owners told of disabled subscriptions. */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
@QuarkusTestResource(SmtpServer.class)
class EmailDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private static List<MimeMessage> mailsTo(String address) {
        return Arrays.stream(SmtpServer.greenMail().getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getRecipients(Message.RecipientType.TO)).anyMatch(a -> a.toString().equals(address));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static List<MimeMessage> awaitMails(String address, int count) {
        return await(count + " mails to " + address).atMost(WAIT).until(() -> mailsTo(address), list -> list.size() >= count);
    }

    @Test
    void sendsOneMultipartMailPerEvent() throws Exception {
        String project = Api.project("mail");
        String to = project + "@ops.test";
        JsonPath sub = Api.create(Map.of("name", "ops mail", "scope", "PROJECT", "project", project, "channel", "EMAIL",
                "recipients", List.of(to)));
        WharfEvent<RegistryEventData> event = Api.pushed(project + "/api", "1.4.2");
        Kafka.publish(bootstrapServers, event);

        MimeMessage mail = awaitMails(to, 1).get(0);
        assertEquals("[Wharf] " + project + "/api:1.4.2 pushed", mail.getSubject());
        Multipart multipart = (Multipart) mail.getContent();
        String text = null;
        String html = null;
        for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart part = multipart.getBodyPart(i);
            if (part.isMimeType("text/plain")) {
                text = (String) part.getContent();
            } else if (part.isMimeType("text/html")) {
                html = (String) part.getContent();
            }
        }
        assertTrue(text != null && text.contains(event.data().digest()) && text.contains("alice"), "text part: " + text);
        assertTrue(html != null && html.contains("<b>" + project + "/api:1.4.2</b>"), "html part: " + html);
        Api.awaitDeliveries(sub.getString("id"), 1, "DELIVERED");
    }

    @Test
    void batchesEventsIntoOneDigestPerInterval() throws Exception {
        String project = Api.project("digest");
        String to = project + "@ops.test";
        JsonPath sub = Api.create(Map.of("name", "daily", "scope", "PROJECT", "project", project, "channel", "EMAIL",
                "recipients", List.of(to), "digestIntervalSeconds", 2));
        Kafka.publish(bootstrapServers, Api.event(EventType.TAG_CREATED, project + "/api", "1"),
                Api.event(EventType.TAG_CREATED, project + "/api", "2"),
                Api.event(EventType.TAG_CREATED, project + "/api", "3"));

        Api.awaitDeliveries(sub.getString("id"), 3, "DELIVERED");
        List<MimeMessage> mails = mailsTo(to);
        assertEquals(1, mails.size(), "one digest");
        assertEquals("[Wharf] 3 tags pushed to " + project + "/api", mails.get(0).getSubject());
    }

    @Test
    void tellsTheOwnerWhenASubscriptionIsDisabled() throws Exception {
        try (Receiver receiver = Receiver.start().otherwise(Answer.of(410))) {
            String project = Api.project("owner");
            String owner = project + "@owner.test";
            JsonPath sub = Api.create(Map.of("name", "gone hook", "scope", "PROJECT", "project", project,
                    "channel", "WEBHOOK", "url", receiver.url("/hook"), "ownerEmail", owner));
            Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "1"));

            MimeMessage mail = awaitMails(owner, 1).get(0);
            assertTrue(mail.getSubject().contains("gone hook") && mail.getSubject().contains("disabled"), mail.getSubject());
            assertTrue(((String) mail.getContent()).contains(sub.getString("id")));
            assertEquals(false, Api.subscription(sub.getString("id")).getBoolean("enabled"));
        }
    }

    @Test
    void disablesASubscriptionThatHasFailedForTooLongAndTellsItsOwner() throws Exception {
        try (Receiver receiver = Receiver.start().otherwise(Answer.of(500))) {
            String project = Api.project("failing");
            String owner = project + "@owner.test";
            JsonPath sub = Api.create(Map.of("name", "flaky hook", "scope", "PROJECT", "project", project,
                    "channel", "WEBHOOK", "url", receiver.url("/hook"), "ownerEmail", owner));
            // Its deliveries have been failing for four days (disable-after is three).
            Database.update("UPDATE notifier.subscription SET failing_since = now() - interval '4 days' WHERE id = ?::uuid",
                    sub.getString("id"));
            Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "1"));

            MimeMessage mail = awaitMails(owner, 1).get(0);
            assertTrue(mail.getSubject().contains("flaky hook"), mail.getSubject());
            JsonPath disabled = Api.subscription(sub.getString("id"));
            assertEquals(false, disabled.getBoolean("enabled"));
            assertTrue(disabled.getString("disabledReason").startsWith("deliveries have failed since"), disabled.getString("disabledReason"));
            assertEquals(1, receiver.requests().size(), "no attempt after disabling");
            Api.awaitDeliveries(sub.getString("id"), 1, "DEAD");
        }
    }
}
