package io.wharf.registry.oci;

import java.util.List;

/**
 * What the registry needs to know about a manifest it accepted.
 *
 * @param mediaType       the manifest's media type (one of {@link MediaTypes#MANIFESTS})
 * @param artifactType    the artifact type as the referrers API reports it: the manifest's
 *                        {@code artifactType}, else (image manifests) the config's media type; may be null
 * @param configDigest    the config blob of an image manifest, else null
 * @param blobs           every blob it references (config and layers), without foreign layers
 * @param children        child manifests (entries of an index)
 * @param subject         the {@code subject} descriptor's digest, or null
 * @param annotationsJson the {@code annotations} object as JSON, or null
 * @param platforms       platforms of an index's entries ({@code os/arch[/variant]}), empty otherwise
 */
public record ParsedManifest(String mediaType, String artifactType, String configDigest, List<String> blobs,
                             List<String> children, String subject, String annotationsJson, List<String> platforms) {
}
