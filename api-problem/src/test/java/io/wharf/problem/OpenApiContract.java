package io.wharf.problem;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Checks that a service's OpenAPI document ({@code /q/openapi}) documents the statuses the service
 * answers: every answer recorded here must appear among its operation's responses. A service test
 * calls the operations it cares about through {@link #call}, and {@link #sweep}s every {@code /api/}
 * operation of the document with values no resource has, then asserts {@link #undocumented} is empty.
 */
public final class OpenApiContract {

    private static final Pattern PARAMETER = Pattern.compile("\\{([^}/]+)}");

    private final Map<String, Object> paths;
    private final List<String> undocumented = new ArrayList<>();
    private final List<String> observed = new ArrayList<>();

    private OpenApiContract(Map<String, Object> paths) {
        this.paths = paths;
    }

    /** The service's document, read now. */
    public static OpenApiContract load() {
        Map<String, Object> paths = given().accept(ContentType.JSON).get("/q/openapi?format=json").then().statusCode(200)
                .extract().jsonPath().getMap("paths");
        return new OpenApiContract(paths);
    }

    /** Sends the request (method, a path that fills {@code template}) and records whether its status is documented. */
    public Response call(RequestSpecification request, String method, String template, String path) {
        Response response = request.request(method, path);
        record(method, template, response.statusCode());
        return response;
    }

    /** Records an answer seen elsewhere. */
    @SuppressWarnings("unchecked")
    public void record(String method, String template, int status) {
        String seen = method.toUpperCase(Locale.ROOT) + " " + template + " " + status;
        observed.add(seen);
        Map<String, Object> item = (Map<String, Object>) paths.get(template);
        Map<String, Object> operation = item == null ? null : (Map<String, Object>) item.get(method.toLowerCase(Locale.ROOT));
        Map<String, Object> responses = operation == null ? null : (Map<String, Object>) operation.get("responses");
        if (responses == null || !responses.containsKey(Integer.toString(status)) && !responses.containsKey("default")) {
            undocumented.add(seen + (operation == null ? " (operation not documented)"
                    : " (documented: " + (responses == null ? "none" : responses.keySet()) + ")"));
        }
    }

    /**
     * Calls every {@code /api/} operation of the document but event streams, with {@code as} (fresh for each
     * call), path parameters no resource has and an empty JSON object where a body is taken; operations for
     * which {@code include} (method, template) is false are left out (those with side effects on success).
     */
    @SuppressWarnings("unchecked")
    public void sweep(Supplier<RequestSpecification> as, java.util.function.BiPredicate<String, String> include) {
        for (Map.Entry<String, Object> path : paths.entrySet()) {
            String template = path.getKey();
            if (!template.startsWith("/api/")) {
                continue;
            }
            for (Map.Entry<String, Object> op : ((Map<String, Object>) path.getValue()).entrySet()) {
                String method = op.getKey().toUpperCase(Locale.ROOT);
                if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method) || !include.test(method, template)
                        || String.valueOf(op.getValue()).contains("text/event-stream")) {
                    continue;
                }
                Map<String, Object> operation = (Map<String, Object>) op.getValue();
                RequestSpecification request = as.get();
                if (operation.containsKey("requestBody")) {
                    request = request.contentType(ContentType.JSON).body("{}");
                }
                call(request, method, template, filled(template, operation));
            }
        }
    }

    /** The template with each parameter given a value no resource has (a UUID, a number or a name, by its schema). */
    @SuppressWarnings("unchecked")
    private static String filled(String template, Map<String, Object> operation) {
        Matcher m = PARAMETER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = "nosuch" + UUID.randomUUID().toString().substring(0, 8);
            for (Object p : (List<Object>) operation.getOrDefault("parameters", List.of())) {
                Map<String, Object> parameter = (Map<String, Object>) p;
                if (name.equals(parameter.get("name")) && parameter.get("schema") instanceof Map<?, ?> schema) {
                    if ("uuid".equals(schema.get("format"))) {
                        value = UUID.randomUUID().toString();
                    } else if ("integer".equals(schema.get("type"))) {
                        value = "987654321";
                    }
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** What was answered but not documented, one line each ({@code METHOD /template status (documented: …)}). */
    public List<String> undocumented() {
        return List.copyOf(undocumented);
    }

    /** Every answer recorded. */
    public List<String> observed() {
        return List.copyOf(observed);
    }
}
