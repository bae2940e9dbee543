package io.wharf.registry;

import static io.wharf.registry.Admin.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/** The live tail: a client that follows the stream sees what is pushed after it connected. */
@QuarkusTest
class EventStreamTest {

    @TestHTTPResource("/api/v1/events/stream")
    URI stream;

    @Test
    void aConnectedClientSeesAPushAsServerSentEvents() throws Exception {
        String repo = Oci.repo("tail");
        String other = Oci.repo("tail-other");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = Admin.request(URI.create(stream + "?repository=" + URLEncoder.encode(repo, StandardCharsets.UTF_8)))
                .header("Accept", "text/event-stream").GET().build();
        var pending = client.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> response;
        try {
            response = pending.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the stream did not answer with its headers", e);
        }
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        Stream<String> body = response.body();
        Thread reader = new Thread(() -> body.forEach(lines::add), "sse-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            Oci.pushImage(other, "v1");
            Oci.Image image = Oci.pushImage(repo, "v1");
            List<JsonObject> seen = new ArrayList<>();
            try {
                await("three events on the stream").atMost(Duration.ofSeconds(30)).pollInSameThread().pollDelay(Duration.ZERO)
                        .until(() -> {
                            String line = lines.poll(200, TimeUnit.MILLISECONDS);
                            if (line != null && line.startsWith("data:")) {
                                seen.add(new JsonObject(line.substring(5).trim()));
                            }
                            return seen.size() >= 3;
                        });
            } catch (ConditionTimeoutException e) {
                // Fewer came: the assertions below show which.
            }
            assertEquals(List.of("io.wharf.repository.created", "io.wharf.artifact.pushed", "io.wharf.tag.created"),
                    seen.stream().map(e -> e.getString("type")).toList(), "events seen: " + seen);
            assertTrue(seen.stream().allMatch(e -> repo.equals(e.getJsonObject("data").getString("repository"))));
            assertEquals(image.digest(), seen.get(1).getJsonObject("data").getString("digest"));
            List<String> queried = given().queryParam("repository", repo).get("/api/v1/events").then().statusCode(200)
                    .extract().jsonPath().getList("events.id");
            assertEquals(queried, seen.stream().map(e -> e.getString("id")).toList(), "the stream and the history agree");
        } finally {
            body.close();
            reader.interrupt();
        }
    }
}
