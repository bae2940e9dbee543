package io.wharf.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AuditEventDataTest {

    private static final OffsetDateTime TIME = OffsetDateTime.of(2025, 6, 3, 9, 38, 2, 114_000_000, ZoneOffset.UTC);

    @Test
    void summaryNeverKeepsSecretNamingKeysAndBoundsValues() {
        AuditEventData data = AuditEventData.builder(AuditEventData.Services.REGISTRY, AuditEventData.Actions.ROBOT_CREATED, TIME)
                .actor(AuditEventData.ActorKind.USER, "alice")
                .summary("permissions", "pull,push")
                .summary("secret", "wharf_rbt_s3cr3t")
                .summary("newPassword", "hunter2hunter2")
                .summary("Authorization", "Bearer abc")
                .summary("refresh_token", "eyJ")
                .summary("description", "x".repeat(1000))
                .build();

        assertEquals(Map.of("permissions", "pull,push", "description", "x".repeat(AuditEventData.MAX_SUMMARY_VALUE - 1) + "…"), data.summary());
        String json = new String(EventCodec.dataBytes(WharfEvent.create(EventType.AUDIT_RECORDED, URI.create("/wharf/registry"), data)),
                StandardCharsets.UTF_8);
        assertFalse(json.contains("s3cr3t") || json.contains("hunter2") || json.contains("Bearer") || json.contains("eyJ"), json);
    }

    @Test
    void summaryKeepsAtMostSixteenEntries() {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            many.put("k" + i, "v");
        }
        assertEquals(AuditEventData.MAX_SUMMARY_ENTRIES, AuditEventData.redacted(many).size());
    }

    @Test
    void eventOfAnEntryIsKeyedByItsProjectOrADashAndKeepsItsSubjectAndTime() {
        AuditEventData inProject = AuditEventData.builder("notifier", "subscription.created", TIME)
                .actor(AuditEventData.ActorKind.USER, "alice").project("acme").subject("build-hooks").build();
        AuditEventData signIn = AuditEventData.builder("registry", AuditEventData.Actions.SIGN_IN_FAILED, TIME)
                .outcome(AuditEventData.Outcome.FAILURE).subject("bob").build();

        WharfEvent<AuditEventData> event = WharfEvent.create(EventType.AUDIT_RECORDED, URI.create("/wharf/notifier"), inProject);
        assertEquals("acme", event.partitionKey());
        assertEquals("build-hooks", event.subject());
        assertEquals(TIME, event.time());
        assertEquals(Topics.AUDIT, EventCodec.toProducerRecord(event).topic());
        assertEquals(event, EventCodec.fromKafka(EventCodec.toProducerRecord(event).headers(), EventCodec.dataBytes(event)));
        assertEquals("-", WharfEvent.create(EventType.AUDIT_RECORDED, URI.create("/wharf/registry"), signIn).partitionKey());
        assertEquals(AuditEventData.ActorKind.ANONYMOUS, signIn.actorKind());
        assertNull(signIn.repository());
    }

    @Test
    void actionsAreDottedLowerCaseWords() {
        assertThrows(IllegalArgumentException.class, () -> AuditEventData.builder("registry", "SignIn", TIME).build());
        assertThrows(IllegalArgumentException.class, () -> AuditEventData.builder("registry", "member", TIME).build());
        assertThrows(IllegalArgumentException.class, () -> AuditEventData.builder("registry", "member.added", TIME)
                .actor(AuditEventData.ActorKind.USER, null).build());
        assertTrue(AuditEventData.isSecretKey("clientSecret"));
    }
}
