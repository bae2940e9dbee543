package io.wharf.deployer.targets.docker;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns an inspected container into the body that creates its successor: the same Config, HostConfig
 * and network endpoints, with the new image.
 *
 * <p>Config values the container only inherited from its old image (command, entrypoint, working
 * directory, user, exposed ports, volumes, health check, stop signal, and the image's env entries and
 * labels) are left out, so the new image's own defaults apply; values set for the container are kept.
 * Anonymous volumes are not carried over (named volumes and bind mounts are, through HostConfig).
 */
final class ContainerSpec {

    private static final List<String> IMAGE_DEFAULTS = List.of("Cmd", "Entrypoint", "WorkingDir", "User",
            "ExposedPorts", "Volumes", "Healthcheck", "StopSignal", "Shell", "OnBuild", "ArgsEscaped");

    private ContainerSpec() {
    }

    /** The create body ({@code POST /containers/create}) for the successor of {@code old}. */
    static ObjectNode successor(JsonNode old, JsonNode oldImage, String image) {
        ObjectNode config = old.path("Config").deepCopy();
        config.put("Image", image);
        JsonNode imageConfig = oldImage == null ? null : oldImage.path("Config");
        if (imageConfig != null && imageConfig.isObject()) {
            dropInherited(config, imageConfig);
        }
        if (shortId(old).equals(config.path("Hostname").asText())) {
            config.remove("Hostname");  // docker's default hostname: the old container's id
        }
        config.set("HostConfig", old.path("HostConfig").deepCopy());
        ObjectNode endpoints = config.putObject("NetworkingConfig").putObject("EndpointsConfig");
        String primary = primaryNetwork(old);
        if (primary != null) {
            endpoints.set(primary, endpoint(old.path("NetworkSettings").path("Networks").path(primary), shortId(old)));
        }
        return config;
    }

    /** The networks to connect after create (the engine takes one network at create time), with their endpoints. */
    static Map<String, JsonNode> otherNetworks(JsonNode old) {
        String primary = primaryNetwork(old);
        Map<String, JsonNode> others = new LinkedHashMap<>();
        old.path("NetworkSettings").path("Networks").fields().forEachRemaining(e -> {
            if (!e.getKey().equals(primary)) {
                others.put(e.getKey(), endpoint(e.getValue(), shortId(old)));
            }
        });
        return others;
    }

    private static String primaryNetwork(JsonNode old) {
        JsonNode networks = old.path("NetworkSettings").path("Networks");
        String mode = old.path("HostConfig").path("NetworkMode").asText("");
        if (networks.has(mode)) {
            return mode;
        }
        Iterator<String> names = networks.fieldNames();
        return names.hasNext() ? names.next() : null;
    }

    /** What the caller chose for an endpoint; the engine's runtime values (addresses, ids) are dropped. */
    private static ObjectNode endpoint(JsonNode network, String shortId) {
        ObjectNode endpoint = JsonNodeFactory.instance.objectNode();
        for (String field : List.of("IPAMConfig", "Links", "DriverOpts")) {
            if (network.hasNonNull(field)) {
                endpoint.set(field, network.get(field).deepCopy());
            }
        }
        if (network.path("Aliases").isArray()) {
            ArrayNode aliases = endpoint.putArray("Aliases");
            network.get("Aliases").forEach(a -> {
                if (!a.asText().equals(shortId)) {
                    aliases.add(a);
                }
            });
        }
        return endpoint;
    }

    private static void dropInherited(ObjectNode config, JsonNode imageConfig) {
        for (String field : IMAGE_DEFAULTS) {
            if (config.has(field) && config.get(field).equals(imageConfig.get(field))) {
                config.remove(field);
            }
        }
        if (config.path("Env").isArray() && imageConfig.path("Env").isArray()) {
            List<JsonNode> inherited = new ArrayList<>();
            imageConfig.get("Env").forEach(inherited::add);
            JsonNode all = config.get("Env");
            ArrayNode own = config.putArray("Env");
            all.forEach(e -> {
                if (!inherited.contains(e)) {
                    own.add(e);
                }
            });
        }
        if (config.path("Labels").isObject() && imageConfig.path("Labels").isObject()) {
            ObjectNode labels = (ObjectNode) config.get("Labels");
            imageConfig.get("Labels").fields().forEachRemaining(e -> {
                if (e.getValue().equals(labels.get(e.getKey()))) {
                    labels.remove(e.getKey());
                }
            });
        }
    }

    static String shortId(JsonNode container) {
        String id = container.path("Id").asText();
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
