package io.wharf.deployer.targets.http;

import java.net.URI;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.wharf.deployer.targets.DeployTarget;
import io.wharf.deployer.targets.TargetSettings;

/**
 * An HTTP deploy hook: a request to {@code url} whose body is {@code bodyTemplate} with {@code {{image}}},
 * {@code {{digest}}}, {@code {{tag}}}, {@code {{repository}}}, {@code {{deploymentId}}}, {@code {{ruleId}}}
 * and {@code {{eventId}}} filled in (JSON-escaped when the content type is JSON). Signed with
 * Standard Webhooks headers under {@code secret}.
 *
 * @param url          http or https URL
 * @param method       POST (default), PUT or PATCH
 * @param contentType  default {@code application/json}
 * @param bodyTemplate default: a JSON object of every placeholder
 * @param headers      extra request headers
 * @param timeout      whole-request limit ({@code 10s}); default from {@code wharf.deployer.outbound.request-timeout}
 * @param secret       signing secret ({@code whsec_…}); generated when absent; sealed once stored
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HttpHookSettings(String url, String method, String contentType, String bodyTemplate,
        Map<String, String> headers, String timeout, String secret) implements TargetSettings {

    static final String DEFAULT_TEMPLATE = """
            {"image":"{{image}}","repository":"{{repository}}","tag":"{{tag}}","digest":"{{digest}}",\
            "deploymentId":"{{deploymentId}}","ruleId":"{{ruleId}}","eventId":"{{eventId}}"}""";

    @Override
    public String displayName() {
        try {
            URI parsed = URI.create(url);
            return parsed.getHost() == null ? "http hook" : parsed.getHost() + (parsed.getPort() > 0 ? ":" + parsed.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "http hook";
        }
    }

    @Override
    public HttpHookSettings redacted() {
        return new HttpHookSettings(url, method, contentType, bodyTemplate, headers, timeout, secret == null ? null : DeployTarget.MASK);
    }

    String methodOrDefault() {
        return method == null || method.isBlank() ? "POST" : method.trim().toUpperCase(java.util.Locale.ROOT);
    }

    String contentTypeOrDefault() {
        return contentType == null || contentType.isBlank() ? "application/json" : contentType.trim();
    }

    String templateOrDefault() {
        return bodyTemplate == null || bodyTemplate.isBlank() ? DEFAULT_TEMPLATE : bodyTemplate;
    }
}
