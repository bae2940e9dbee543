package io.wharf.registry.service;

import io.wharf.registry.metadata.ManifestEntity;
import io.wharf.registry.oci.ParsedManifest;

/**
 * The outcome of a manifest PUT.
 *
 * @param manifest       the stored manifest (new, or the same bytes pushed before)
 * @param parsed         what the manifest references
 * @param created        true when these bytes were new to the repository
 * @param tag            the tag pushed, or null for a push by digest
 * @param previousDigest the digest the tag pointed at before, or null when the tag is new
 */
public record PushedManifest(ManifestEntity manifest, ParsedManifest parsed, boolean created, String tag, String previousDigest) {
}
