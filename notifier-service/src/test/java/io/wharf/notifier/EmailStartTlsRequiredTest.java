package io.wharf.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.wharf.notifier.support.Api;
import io.wharf.notifier.support.Kafka;
import io.wharf.notifier.support.StartTlsRefusingSmtpServer;

/** With quarkus.mailer.start-tls=REQUIRED, a server that refuses STARTTLS gets nothing in plain text, and the delivery says why. */
@QuarkusTest
@TestProfile(EmailStartTlsRequiredTest.Profile.class)
class EmailStartTlsRequiredTest {

    public static class Profile extends EmailStartTlsTest.Profile {
        @Override
        protected String startTls() {
            return "REQUIRED";
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void failsSayingTlsIsRequired() {
        String project = Api.project("tls-required");
        String to = project + "@ops.test";
        JsonPath sub = EmailStartTlsTest.mailSubscription(project, to);
        Kafka.publish(bootstrapServers, Api.pushed(project + "/api", "3.0.0"));

        List<Map<String, Object>> deliveries = Api.awaitDeliveries(sub.getString("id"), 1, "DEAD");
        String error = Api.delivery((String) deliveries.get(0).get("id")).getString("lastError");
        assertTrue(error != null && error.contains("quarkus.mailer.start-tls=REQUIRED") && error.contains("plain text"), error);
        assertEquals(List.of(), StartTlsRefusingSmtpServer.receivedBy(to), "nothing sent in plain text");
        assertTrue(StartTlsRefusingSmtpServer.startTlsRefused() > 0, "the server was asked for STARTTLS");
    }
}
