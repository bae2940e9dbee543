package io.wharf.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.File;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoldenSamplesTest {

    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    @Test
    void everyEventTypeHasExactlyOneGoldenSampleAndNoSampleIsStray() throws URISyntaxException {
        File folder = new File(getClass().getClassLoader().getResource("golden").toURI());

        Set<String> files = Arrays.stream(folder.list()).collect(Collectors.toSet());
        Set<String> expected = Arrays.stream(EventType.values())
                .map(type -> type.suffix() + ".json")
                .collect(Collectors.toSet());
        assertEquals(expected, files);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void goldenSampleUsesRealisticIdentifiers(EventType type) {
        WharfEvent<?> event = GoldenSamples.event(type);

        assertNotNull(UUID.fromString(event.id()));
        if (event.data() instanceof AuditEventData audit) {
            assertEquals("acme", audit.project());
            assertEquals(audit.subject(), event.subject());
            assertEquals(audit.time(), event.time());
            return;
        }
        if (event.data() instanceof StorageEventData storage) {
            if (storage.gc() != null) {
                assertNull(storage.project());
                assertEquals(storage.gc().runId(), event.subject());
            } else {
                assertEquals("acme", storage.project());
                assertTrue(storage.quota().used() <= storage.quota().limit());
            }
            return;
        }
        assertTrue(event.data().repository().startsWith("acme/"));
        if (event.data().digest() != null) {
            assertTrue(DIGEST.matcher(event.data().digest()).matches(), event.data().digest());
        }
        if (event.data() instanceof PipelineEventData pipeline) {
            EventType followed = Arrays.stream(EventType.values())
                    .filter(EventType::isRegistryEvent)
                    .filter(registryType -> GoldenSamples.event(registryType).id().equals(pipeline.eventId()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(type + " follows no golden registry event"));
            assertEquals(GoldenSamples.event(followed).data().repository(), event.data().repository());
        }
    }
}
