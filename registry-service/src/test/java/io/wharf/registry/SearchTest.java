package io.wharf.registry;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/**
 * {@code GET /api/v1/search} and docker's {@code /v1/search}: ranking, pagination, every filter,
 * the badges, and that nothing of a private project shows to those who may not pull from it.
 */
@QuarkusTest
class SearchTest {

    /** A word no other test's names contain, so totals are exact. */
    private static String word;
    private static String pub;
    private static String priv;
    private static String member;
    private static String outsider;
    private static Oci.Image exactImage;

    /** Once per class, inside the first test (RestAssured knows the port only then). */
    @BeforeEach
    void setUp() {
        synchronized (SearchTest.class) {
            if (word == null) {
                createFixtures();
            }
        }
    }

    private static void createFixtures() {
        word = "w" + Oci.suffix();
        pub = Accounts.project("pub", true);
        priv = Accounts.project("priv", false);
        Admin.given().contentType(ContentType.JSON).body(Map.of("verifiedPublisher", true)).put("/api/v1/projects/" + pub)
                .then().statusCode(200).body("verifiedPublisher", equalTo(true));
        exactImage = Oci.pushImage(pub + "/" + word, "v1.0");
        Oci.pushImage(pub + "/" + word, "latest");
        Oci.pushImage(pub + "/" + word + "-tools", "v2.0");
        Oci.pushImage(pub + "/old-" + word, "latest");
        Oci.pushImage(priv + "/" + word + "-secret", "v1.0");
        Oci.pushImage("library/" + word + "-official", "1.0.0");
        member = Accounts.user("member");
        outsider = Accounts.user("outsider");
        Accounts.member(priv, member, "limitedGuest");
    }

    private static ValidatableResponse search(RequestSpecification as, String query) {
        return as.get("/api/v1/search?" + query).then().statusCode(200).contentType("application/json");
    }

    private static List<String> names(RequestSpecification as, String query) {
        return search(as, query).extract().path("items.name");
    }

    @Test
    void ranksExactNameFirstThenPrefixThenSubstring() {
        search(Oci.anonymous(), "q=" + word + "&kind=repository&project=" + pub)
                .body("query", equalTo(word))
                .body("total", equalTo(3))
                .body("items.name", contains(pub + "/" + word, pub + "/" + word + "-tools", pub + "/old-" + word));
        // The whole name is an exact match too, and upper case finds lower-case names.
        search(Oci.anonymous(), "q=" + (pub + "/" + word).toUpperCase() + "&kind=repository")
                .body("items[0].name", equalTo(pub + "/" + word));
    }

    @Test
    void findsSimilarNamesAfterTheContainingOnes() {
        char last = word.charAt(word.length() - 1);
        String typo = word.substring(0, word.length() - 1) + (last == 'z' ? 'y' : 'z');
        search(Oci.anonymous(), "q=" + typo + "&kind=repository").body("items[0].name", equalTo(pub + "/" + word));
        search(Oci.anonymous(), "q=" + typo.substring(0, 4) + "zzzz" + "&kind=repository").body("total", equalTo(0));
    }

    @Test
    void repositoryItemsCarryBadgesCountsAndPushTime() {
        search(Oci.anonymous(), "q=" + word + "&kind=repository&project=" + pub)
                .body("items[0].kind", equalTo("repository"))
                .body("items[0].project", equalTo(pub))
                .body("items[0].official", equalTo(false))
                .body("items[0].verifiedPublisher", equalTo(true))
                .body("items[0].tagCount", equalTo(2))
                .body("items[0].pullCount", equalTo(0))
                .body("items[0].pushedAt", notNullValue());
        search(Oci.anonymous(), "q=" + word + "-official")
                .body("items[0].name", equalTo("library/" + word + "-official"))
                .body("items[0].official", equalTo(true))
                .body("items[0].verifiedPublisher", equalTo(false));
    }

    @Test
    void findsProjectsAndTags() {
        search(Oci.anonymous(), "q=" + pub + "&kind=project")
                .body("total", equalTo(1))
                .body("items[0].kind", equalTo("project"))
                .body("items[0].name", equalTo(pub))
                .body("items[0].public", equalTo(true))
                .body("items[0].verifiedPublisher", equalTo(true))
                .body("items[0].repositoryCount", equalTo(3));
        search(Oci.anonymous(), "q=" + pub + "/" + word + ":v1&kind=tag")
                .body("total", equalTo(1))
                .body("items[0].kind", equalTo("tag"))
                .body("items[0].repository", equalTo(pub + "/" + word))
                .body("items[0].tag", equalTo("v1.0"))
                .body("items[0].digest", equalTo(exactImage.digest()))
                .body("items[0].pushedAt", notNullValue());
    }

    @Test
    void paginatesWithoutOverlap() {
        List<String> all = names(Oci.anonymous(), "q=" + word + "&kind=repository&pageSize=100");
        assertEquals(4, all.size(), all.toString());
        List<String> paged = new ArrayList<>();
        for (int page = 1; page <= 3; page++) {
            var r = search(Oci.anonymous(), "q=" + word + "&kind=repository&pageSize=2&page=" + page)
                    .body("page", equalTo(page)).body("pageSize", equalTo(2)).body("total", equalTo(4));
            paged.addAll(r.extract().path("items.name"));
        }
        assertEquals(all, paged);
    }

    @Test
    void filtersByOfficialVerifiedTagAndPushTime() {
        assertEquals(List.of("library/" + word + "-official"), names(Oci.anonymous(), "q=" + word + "&official=true"));
        search(Oci.anonymous(), "q=" + word + "&kind=repository&official=false").body("items.official", everyItem(equalTo(false)))
                .body("total", equalTo(3));
        search(Oci.anonymous(), "q=" + word + "&kind=repository&verified=true").body("total", equalTo(3))
                .body("items.project", everyItem(equalTo(pub)));
        search(Oci.anonymous(), "q=" + word + "&kind=repository&verified=false").body("total", equalTo(1));
        search(Oci.anonymous(), "q=" + word + "&kind=repository&tag=v*").body("items.name",
                contains(pub + "/" + word, pub + "/" + word + "-tools"));
        search(Oci.anonymous(), "q=" + word + "&kind=repository&tag=v?.0").body("total", equalTo(2));
        search(Oci.anonymous(), "q=" + word + "&kind=repository&tag=latest").body("total", equalTo(2));
        search(Oci.anonymous(), "kind=tag&project=" + pub + "&tag=v2*").body("items.tag", contains("v2.0"));
        search(Oci.anonymous(), "q=" + word + "&pushedSince=2000-01-01").body("total", equalTo(4));
        search(Oci.anonymous(), "q=" + word + "&pushedSince=2999-01-01T00:00:00Z").body("total", equalTo(0)).body("items", empty());
        search(Oci.anonymous(), "q=" + word + "&kind=project,repository&project=" + pub).body("total", equalTo(3));
    }

    @Test
    void privateProjectsShowOnlyToThoseWhoMayPull() {
        String secret = priv + "/" + word + "-secret";
        search(Oci.anonymous(), "q=" + word).body("items.name", not(hasItem(secret))).body("total", equalTo(4));
        search(Accounts.as(outsider), "q=" + word).body("items.name", not(hasItem(secret))).body("total", equalTo(4));
        search(Accounts.as(member), "q=" + word).body("items.name", hasItem(secret)).body("total", equalTo(5));
        search(Admin.given(), "q=" + word).body("items.name", hasItem(secret)).body("total", equalTo(5));
        // The project list follows the same rule.
        Oci.anonymous().get("/api/v1/projects").then().statusCode(200).body("name", hasItem(pub)).body("name", not(hasItem(priv)));
        Accounts.as(outsider).get("/api/v1/projects").then().statusCode(200).body("name", hasItem(pub)).body("name", not(hasItem(priv)));
        Accounts.as(member).get("/api/v1/projects").then().statusCode(200).body("name", hasItem(priv))
                .body("find { it.name == '" + priv + "' }.role", equalTo("limitedGuest"));
        Admin.given().get("/api/v1/projects").then().statusCode(200).body("name", hasItem(priv));
        String[] robot = Accounts.robot(priv, "reader", List.of("pull"));
        Accounts.as(robot[0], robot[1]).get("/api/v1/projects").then().statusCode(200).body("name", hasItem(priv));
        search(Accounts.as(robot[0], robot[1]), "q=" + word).body("items.name", hasItem(secret));
        Accounts.as(robot[0], robot[1]).get("/v1/search?q=" + word + "-secret").then().statusCode(200)
                .body("results[0].name", equalTo(secret));
        // Not by its project's name, not by a tag, not in any count.
        search(Oci.anonymous(), "q=" + priv).body("total", equalTo(0));
        search(Accounts.as(outsider), "q=" + priv + "&kind=project").body("total", equalTo(0));
        search(Accounts.as(member), "q=" + priv + "&kind=project").body("total", equalTo(1)).body("items[0].public", equalTo(false));
        search(Oci.anonymous(), "q=" + secret + ":v1&kind=tag").body("total", equalTo(0));
        search(Oci.anonymous(), "project=" + priv).body("total", equalTo(0));
        // (Similar names of public repositories may answer; the private one never does.)
        Oci.anonymous().get("/v1/search?q=" + word + "-secret").then().statusCode(200).body("results.name", not(hasItem(secret)));
        Accounts.as(member).get("/v1/search?q=" + word + "-secret").then().statusCode(200).body("results[0].name", equalTo(secret));
    }

    @Test
    void dockerSearchAnswersInDockerFormat() {
        Oci.anonymous().get("/v1/_ping").then().statusCode(200);
        Oci.anonymous().get("/v1/search?q=" + word + "&n=2").then().statusCode(200)
                .contentType("application/json")
                .body("query", equalTo(word))
                .body("num_results", equalTo(4))
                .body("num_pages", equalTo(2))
                .body("page", equalTo(1))
                .body("page_size", equalTo(2))
                .body("results", hasSize(2))
                .body("results[0].name", equalTo(pub + "/" + word))
                .body("results[0].description", equalTo(""))
                .body("results[0].star_count", equalTo(0))
                .body("results[0].is_official", equalTo(false))
                .body("results[0].is_automated", equalTo(false));
        Oci.anonymous().get("/v1/search?q=" + word + "-official").then().statusCode(200)
                .body("results[0].is_official", equalTo(true));
        Oci.anonymous().get("/v1/search?q=" + word + "&n=2&page=2").then().statusCode(200).body("page", equalTo(2)).body("results", hasSize(2));
    }

    @Test
    void dockerSearchTakesRegistryTokensAndRefusesBadCredentials() {
        String token = Accounts.token(member, Accounts.PASSWORD, "registry:catalog:search");
        Accounts.bearer(token).get("/v1/search?q=" + word + "-secret").then().statusCode(200)
                .body("results[0].name", equalTo(priv + "/" + word + "-secret"));
        Accounts.as(member, "wrong-password").get("/v1/search?q=" + word).then().statusCode(401)
                .header("WWW-Authenticate", containsString("scope=\"registry:catalog:search\""));
        Accounts.bearer("not-a-token").get("/v1/search?q=" + word).then().statusCode(401);
    }

    @Test
    void refusesBadInputWithClearErrors() {
        String longText = "a".repeat(256);
        for (String bad : List.of("n=0", "n=101", "page=-1", "page=0", "n=abc", "q=" + longText)) {
            Oci.anonymous().get("/v1/search?" + bad).then().statusCode(400).body("code", equalTo("INVALID_REQUEST"))
                    .body("detail", notNullValue());
        }
        Map<String, String> cases = Map.of(
                "pageSize=1000", "pageSize",
                "pageSize=0", "pageSize",
                "page=-1", "page",
                "q=" + longText, "q must be",
                "kind=image", "kind",
                "official=yes", "official",
                "pushedSince=yesterday", "pushedSince",
                "tag=a%20b", "tag",
                "project=a..b", "project must be a project name",
                "page=500&pageSize=100", "first 10000");
        cases.forEach((query, message) -> Oci.anonymous().get("/api/v1/search?" + query).then().statusCode(400)
                .body("code", equalTo("INVALID_REQUEST")).body("detail", containsString(message)));
    }
}
