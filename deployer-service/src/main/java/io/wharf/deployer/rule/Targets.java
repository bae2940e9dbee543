package io.wharf.deployer.rule;

import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wharf.deployer.targets.DeployTarget;
import io.wharf.deployer.targets.TargetSettings;

/**
 * The deploy target beans by {@link DeployTarget#kind()}, and their settings to and from JSON: a rule
 * stores a target kind and its settings, and deployments read them back through this.
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

    /** Reads request settings for {@code kind} and lets the target check them (400 when they are wrong). */
    public TargetSettings parse(String kind, JsonNode settings) {
        DeployTarget<TargetSettings> target = get(kind);
        TargetSettings parsed;
        try {
            parsed = json.treeToValue(settings == null ? json.createObjectNode() : settings, target.settingsType());
        } catch (JsonProcessingException e) {
            throw DeployerException.invalid("invalid " + kind + " target settings: " + e.getOriginalMessage());
        }
        try {
            target.validate(parsed);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw DeployerException.invalid("invalid " + kind + " target settings: " + e.getMessage());
        }
        return parsed;
    }

    /** Reads stored settings. */
    public TargetSettings read(String kind, String stored) {
        try {
            return json.readValue(stored, get(kind).settingsType());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + kind + " settings unreadable", e);
        }
    }

    public String write(TargetSettings settings) {
        try {
            return json.writeValueAsString(settings);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("settings not writable as JSON", e);
        }
    }

    public JsonNode tree(TargetSettings settings) {
        return json.valueToTree(settings);
    }
}
