package io.wharf.problem.openapi;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import io.wharf.problem.Problem;

/**
 * Documents the refusals every management API operation can answer, as {@link io.wharf.problem.rest.ProblemMappers}
 * answers them, where the operation does not document them itself: 401 (credentials missing or refused;
 * even operations anonymous callers may use refuse bad credentials), 403 (denied), 400 (for operations
 * that take a body or parameters), 404 (for operations with path parameters), 415 (for operations that take a body), 409 (for changes), 500 and
 * 503 (a service it needs, such as the registry or the database, cannot answer), each a
 * {@value Problem#MEDIA_TYPE} body of the {@code Problem} schema. Operations outside {@code /api/} are left
 * alone. A service turns it on with {@code mp.openapi.filter=io.wharf.problem.openapi.ProblemResponses}.
 */
public class ProblemResponses implements OASFilter {

    static final String SCHEMA = "Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        Components components = openAPI.getComponents() == null ? OASFactory.createComponents() : openAPI.getComponents();
        openAPI.setComponents(components);
        if (components.getSchemas() == null || !components.getSchemas().containsKey(SCHEMA)) {
            components.addSchema(SCHEMA, problemSchema());
        }
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            boolean pathParameters = path.getKey().contains("{");
            for (Operation operation : path.getValue().getOperations().values()) {
                APIResponses responses = operation.getResponses() == null ? OASFactory.createAPIResponses() : operation.getResponses();
                operation.setResponses(responses);
                boolean takesInput = operation.getRequestBody() != null || hasQueryParameters(operation.getParameters())
                        || hasQueryParameters(path.getValue().getParameters());
                if (takesInput || pathParameters) {
                    add(responses, 400, "The request is malformed or invalid (each refused field in errors)");
                }
                add(responses, 401, "Credentials are missing or refused (WWW-Authenticate carries the challenge)");
                add(responses, 403, "The caller may not do this");
                if (pathParameters) {
                    add(responses, 404, "There is no such thing, or the caller may not see it");
                }
                if (operation.getRequestBody() != null) {
                    add(responses, 415, "The body's media type is not one this operation takes");
                }
                if (write(operation, path.getValue())) {
                    add(responses, 409, "The change contradicts the current state (a name taken, a thing still in use)");
                }
                add(responses, 500, "The service failed (logged; the body carries no internals)");
                add(responses, 503, "A service this one needs cannot answer now (the registry, the database); retry later");
            }
        }
    }

    private static boolean write(Operation operation, PathItem item) {
        return operation == item.getPOST() || operation == item.getPUT() || operation == item.getPATCH() || operation == item.getDELETE();
    }

    private static boolean hasQueryParameters(List<Parameter> parameters) {
        return parameters != null && !parameters.isEmpty();
    }

    private static void add(APIResponses responses, int status, String description) {
        String code = Integer.toString(status);
        if (responses.hasAPIResponse(code)) {
            return;
        }
        responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description)
                .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref(SCHEMA)))));
    }

    private static Schema problemSchema() {
        Schema string = OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING));
        Schema fieldError = OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                .addProperty("field", string).addProperty("message", string);
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                .description("RFC 9457 problem details with a stable code")
                .addProperty("type", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).format("uri"))
                .addProperty("title", string)
                .addProperty("status", OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER)))
                .addProperty("detail", string)
                .addProperty("code", string)
                .addProperty("errors", OASFactory.createSchema().type(List.of(Schema.SchemaType.ARRAY)).items(fieldError));
    }
}
