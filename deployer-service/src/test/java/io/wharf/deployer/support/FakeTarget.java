package io.wharf.deployer.support;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.wharf.deployer.targets.DeployOrder;
import io.wharf.deployer.targets.DeployTarget;
import io.wharf.deployer.targets.GrantBounds;
import io.wharf.deployer.targets.TargetDefinition;
import io.wharf.deployer.targets.TargetSettings;
import io.wharf.deployer.targets.Verification;

/**
 * Test-only target (kind {@code test-fake}): each named place records the orders it received and runs
 * the last image applied; verification fails for digests a test marked as broken. It tests the engine,
 * not a real target. Its endpoint is any text; a rule's workload is {@code {"place": …}}, bounded by a
 * grant's {@code containers} glob.
 */
@ApplicationScoped
public class FakeTarget implements DeployTarget<FakeTarget.Settings> {

    public record Settings(String place) implements TargetSettings {
        @Override
        public String displayName() {
            return place;
        }

        @Override
        public TargetSettings redacted() {
            return this;
        }
    }

    /** What one fake workload saw and runs. */
    public static final class Place {
        public final List<DeployOrder> orders = new CopyOnWriteArrayList<>();
        public final Set<String> brokenDigests = ConcurrentHashMap.newKeySet();
        public volatile String running;

        public List<String> appliedImages() {
            return orders.stream().map(DeployOrder::image).toList();
        }
    }

    private static final ConcurrentHashMap<String, Place> PLACES = new ConcurrentHashMap<>();

    public static Place place(String name) {
        return PLACES.computeIfAbsent(name, n -> new Place());
    }

    @Override
    public String kind() {
        return "test-fake";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    @Override
    public GrantBounds bounds() {
        return GrantBounds.NAME;
    }

    @Override
    public String endpointOf(String endpoint) {
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException("endpoint is required");
        }
        return endpoint.trim();
    }

    @Override
    public TargetDefinition define(String endpoint, ObjectNode settings, ObjectNode kept) {
        if (!settings.isEmpty()) {
            throw new IllegalArgumentException("test-fake targets take no settings");
        }
        return new TargetDefinition(endpointOf(endpoint), null, null, null);
    }

    @Override
    public Settings settings(TargetDefinition target, boolean allowWharf, ObjectNode workload) {
        Settings s = new Settings(workload.path("place").asText(null));
        validate(s);
        return s;
    }

    @Override
    public io.wharf.deployer.targets.Place place(Settings settings) {
        return new io.wharf.deployer.targets.Place(null, settings.place());
    }

    @Override
    public ObjectNode workload(Settings settings) {
        return JsonNodeFactory.instance.objectNode().put("place", settings.place());
    }

    @Override
    public void validate(Settings settings) {
        if (settings.place() == null || settings.place().isBlank()) {
            throw new IllegalArgumentException("place is required");
        }
    }

    @Override
    public Uni<String> current(Settings settings) {
        return Uni.createFrom().item(place(settings.place()).running);
    }

    @Override
    public Uni<Void> apply(Settings settings, DeployOrder order) {
        Place place = place(settings.place());
        place.orders.add(order);
        place.running = order.image();
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Verification> verify(Settings settings, DeployOrder order, Duration deadline) {
        Place place = place(settings.place());
        return Uni.createFrom().item(place.brokenDigests.contains(order.digest())
                ? Verification.failure("pods crash-looping", place.running)
                : Verification.success("available", place.running));
    }
}
