/**
 * What a Wharf service needs to call servers that users name (webhooks, deploy hooks): the SSRF
 * {@link io.wharf.outbound.AddressGuard} with its one CIDR parser ({@link io.wharf.outbound.Cidr}),
 * Standard Webhooks signing ({@link io.wharf.outbound.WebhookSignature}) and AES-GCM sealing of the
 * secrets kept for those calls ({@link io.wharf.outbound.SecretBox}). Plain Java: each service binds
 * these to its own configuration and error types.
 */
package io.wharf.outbound;
