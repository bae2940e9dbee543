package io.wharf.registry.api.manage;

import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The error body of the management API: a stable code, a message for people, and details. */
@Schema(name = "ApiError")
public record ApiProblem(String code, String message, Map<String, String> detail) {
}
