package io.wharf.deployer.rule;

import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.wharf.deployer.targets.DeployTarget;
import io.wharf.deployer.targets.TargetSettings;

/**
 * The deploy target beans by {@link DeployTarget#kind()}, and their settings to and from JSON.
 */
@ApplicationScoped
public class Targets {

    private final Map<String, DeployTarget<TargetSettings>> byKind = new TreeMap<>();
    private final ObjectMapper json;

    @SuppressWarnings("unchecked")
    public Targets(@Any Instance<DeployTarget<?>> targets, ObjectMapper json) {
        this.json = json;
        for (DeployTarget<?> target : targets) {
            byKind.put(target.kind(), (DeployTarget<TargetSettings>) target);
        }
    }

    /** The target of {@code kind}; 400 naming the known kinds when there is none. */
    public DeployTarget<TargetSettings> get(String kind) {
        DeployTarget<TargetSettings> target = kind == null ? null : byKind.get(kind);
        if (target == null) {
            throw DeployerException.invalid("unknown target kind " + kind + "; known: " + String.join(", ", byKind.keySet()));
        }
        return target;
    }

    /** {@code node} as an object: null and a missing node as an empty one; 400 naming {@code what} for anything else. */
    public ObjectNode object(String what, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return json.createObjectNode();
        }
        if (!node.isObject()) {
            throw DeployerException.invalid(what + " must be a JSON object");
        }
        return (ObjectNode) node;
    }

    /** Reads stored JSON (an object); the service wrote it. */
    public ObjectNode readObject(String stored) {
        try {
            return stored == null ? json.createObjectNode() : (ObjectNode) json.readTree(stored);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("stored JSON unreadable", e);
        }
    }

    public String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not writable as JSON", e);
        }
    }

    public <T> T read(String stored, TypeReference<T> type) {
        try {
            return json.readValue(stored, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON unreadable", e);
        }
    }

    /**
     * A display name of a rule's workload without its target (for events): Kubernetes
     * {@code Deployment shop/web container app}, Docker {@code container web}, HTTP {@code http hook}.
     */
    public String describe(String kind, String workload) {
        ObjectNode w = readObject(workload);
        if (w.hasNonNull("namespace")) {
            return w.path("workload").asText() + " " + w.path("namespace").asText() + "/" + w.path("name").asText()
                    + " container " + w.path("container").asText();
        }
        if (w.hasNonNull("container")) {
            return "container " + w.path("container").asText();
        }
        return w.isEmpty() ? kind + " hook" : w.toString();
    }
}
