package io.wharf.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;

/**
 * What {@code kubectl kustomize k8s/overlays/<name>} produces, as typed fabric8 objects. A document
 * of a kind the model does not know, or with a field its type does not have, fails the parse: the
 * model keeps unknown fields in {@code additionalProperties} instead of refusing them, so every
 * object reached from a document is checked for those.
 */
final class RenderedOverlay {

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final Map<String, RenderedOverlay> CACHE = new ConcurrentHashMap<>();

    final String overlay;
    final List<HasMetadata> objects;

    private RenderedOverlay(String overlay, List<HasMetadata> objects) {
        this.overlay = overlay;
        this.objects = objects;
    }

    static RenderedOverlay of(String overlay) {
        return CACHE.computeIfAbsent(overlay, RenderedOverlay::render);
    }

    private static RenderedOverlay render(String overlay) {
        Processes.Result result = Processes.run(List.of("kubectl", "kustomize", "k8s/overlays/" + overlay), Map.of(),
                "install kubectl 1.20 or newer (Debian 12: apt-get install kubernetes-client, where no other kubectl package is installed)");
        assertEquals(0, result.exitCode(), () -> "kubectl kustomize k8s/overlays/" + overlay + " failed:\n" + result.stderr());
        return new RenderedOverlay(overlay, parse(result.stdout(), "k8s/overlays/" + overlay));
    }

    static List<HasMetadata> parse(String yaml, String source) {
        List<HasMetadata> objects = new ArrayList<>();
        try (MappingIterator<KubernetesResource> documents = YAML.readerFor(KubernetesResource.class).readValues(yaml)) {
            while (documents.hasNext()) {
                KubernetesResource document = documents.next();
                if (document == null) {
                    continue;
                }
                if (!(document instanceof HasMetadata object) || document instanceof GenericKubernetesResource) {
                    fail(source + ": a document of a kind the Kubernetes model does not know: " + document);
                    return objects;
                }
                String where = source + ": " + object.getKind() + " " + object.getMetadata().getName();
                rejectUnknownFields(object, where);
                objects.add(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(source + " is not valid for the Kubernetes model", e);
        }
        return objects;
    }

    /** Fails on any {@code additionalProperties} entry reached from {@code value}, naming its path. */
    private static void rejectUnknownFields(Object value, String path) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?>) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                rejectUnknownFields(item, path + "[" + i++ + "]");
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> rejectUnknownFields(v, path + "." + k));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child = invoke(getter, value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> unknown && !unknown.isEmpty()) {
                    fail(path + ": unknown field(s) " + unknown.keySet() + " (not in " + value.getClass().getSimpleName() + ")");
                }
            } else {
                rejectUnknownFields(child, path + "." + property(getter));
            }
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + getter, e);
        }
    }

    private static String property(Method getter) {
        String name = getter.getName().substring(3);
        return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    <T extends HasMetadata> List<T> all(Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** The one object of this kind, failing if there are none or several. */
    <T extends HasMetadata> T only(Class<T> kind) {
        List<T> found = all(kind);
        assertEquals(1, found.size(), () -> overlay + ": expected one " + kind.getSimpleName() + ", found " + found.size());
        return found.get(0);
    }

    <T extends HasMetadata> Optional<T> find(Class<T> kind, String name) {
        return all(kind).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> kind, String name) {
        return find(kind, name).orElseThrow(
                () -> new AssertionError(overlay + ": no " + kind.getSimpleName() + " named " + name));
    }
}
