package io.wharf.registry.oci;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.wharf.reference.Digest;
import io.wharf.reference.InvalidReferenceException;

/**
 * Validates a pushed manifest and extracts what it references. Accepts OCI image manifests and
 * indexes and Docker schema 2 manifests and manifest lists; anything else is
 * {@link OciError#MANIFEST_INVALID}. The bytes are never rewritten: the caller stores them as given.
 */
public final class ManifestParser {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ManifestParser() {
    }

    /**
     * @param body        the bytes pushed
     * @param contentType the request's Content-Type, or null
     */
    public static ParsedManifest parse(byte[] body, String contentType) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw OciError.MANIFEST_INVALID.exception("manifest is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw OciError.MANIFEST_INVALID.exception("manifest must be a JSON object");
        }
        // Required by every format accepted here, and always the number 2 (not "2", not 2.5).
        JsonNode schemaVersion = root.get("schemaVersion");
        if (schemaVersion == null || !schemaVersion.isIntegralNumber() || schemaVersion.asLong() != 2) {
            throw OciError.MANIFEST_INVALID.exception("unsupported schemaVersion " + schemaVersion + "; only 2 is accepted");
        }
        String mediaType = mediaType(root, contentType);
        String subject = root.has("subject") ? descriptorDigest(root.get("subject"), "subject") : null;
        String annotations = root.hasNonNull("annotations") && root.get("annotations").isObject()
                ? root.get("annotations").toString() : null;
        String artifactType = text(root, "artifactType");

        if (MediaTypes.isIndex(mediaType)) {
            JsonNode manifests = root.get("manifests");
            if (manifests == null || !manifests.isArray()) {
                throw OciError.MANIFEST_INVALID.exception("an index needs a \"manifests\" array");
            }
            Set<String> children = new LinkedHashSet<>();
            List<String> platforms = new ArrayList<>();
            for (JsonNode entry : manifests) {
                children.add(descriptorDigest(entry, "manifests[]"));
                JsonNode p = entry.get("platform");
                if (p != null && p.isObject() && p.hasNonNull("os") && p.hasNonNull("architecture")) {
                    String platform = p.get("os").asText() + "/" + p.get("architecture").asText()
                            + (p.hasNonNull("variant") ? "/" + p.get("variant").asText() : "");
                    if (!platforms.contains(platform)) {
                        platforms.add(platform);
                    }
                }
            }
            return new ParsedManifest(mediaType, artifactType, null, List.of(), List.copyOf(children), subject, annotations,
                    List.copyOf(platforms));
        }

        JsonNode config = root.get("config");
        if (config == null || !config.isObject()) {
            throw OciError.MANIFEST_INVALID.exception("an image manifest needs a \"config\" descriptor");
        }
        String configDigest = descriptorDigest(config, "config");
        Set<String> blobs = new LinkedHashSet<>();
        blobs.add(configDigest);
        JsonNode layers = root.get("layers");
        if (layers == null || !layers.isArray()) {
            throw OciError.MANIFEST_INVALID.exception("an image manifest needs a \"layers\" array");
        }
        for (JsonNode layer : layers) {
            String digest = descriptorDigest(layer, "layers[]");
            // Foreign (non-distributable) layers are fetched from their URLs, not from this registry.
            if (!layer.has("urls")) {
                blobs.add(digest);
            }
        }
        if (artifactType == null) {
            artifactType = text(config, "mediaType");
        }
        return new ParsedManifest(mediaType, artifactType, configDigest, List.copyOf(blobs), List.of(), subject, annotations,
                List.of());
    }

    private static String mediaType(JsonNode root, String contentType) {
        String inBody = text(root, "mediaType");
        String header = contentType == null ? null : contentType.split(";", 2)[0].trim();
        if (header != null && header.isEmpty()) {
            header = null;
        }
        if (inBody != null && header != null && !inBody.equals(header) && MediaTypes.MANIFESTS.contains(header)) {
            throw OciError.MANIFEST_INVALID.exception("mediaType " + inBody + " does not match Content-Type " + header);
        }
        String type = inBody != null ? inBody : header;
        if (type == null || !MediaTypes.MANIFESTS.contains(type)) {
            // OCI allows a manifest without mediaType; recognise it by shape.
            if (inBody == null && root.has("manifests")) {
                type = MediaTypes.OCI_INDEX;
            } else if (inBody == null && root.has("config")) {
                type = MediaTypes.OCI_MANIFEST;
            } else {
                throw OciError.MANIFEST_INVALID.exception("unsupported manifest media type " + type);
            }
        }
        return type;
    }

    private static String descriptorDigest(JsonNode descriptor, String where) {
        if (descriptor == null || !descriptor.isObject() || !descriptor.hasNonNull("digest")) {
            throw OciError.MANIFEST_INVALID.exception(where + " must be a descriptor with a digest");
        }
        String digest = descriptor.get("digest").asText();
        try {
            Digest.parse(digest);
        } catch (InvalidReferenceException e) {
            throw OciError.MANIFEST_INVALID.exception(where + " has an invalid digest " + digest + ": " + e.getMessage());
        }
        JsonNode size = descriptor.get("size");
        if (size != null && (!size.canConvertToLong() || size.asLong() < 0)) {
            throw OciError.MANIFEST_INVALID.exception(where + " has an invalid size");
        }
        return digest;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
