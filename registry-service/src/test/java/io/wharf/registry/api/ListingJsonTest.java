package io.wharf.registry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The tags list and catalog pages' JSON, written by hand: what a JSON parser reads back. */
class ListingJsonTest {

    @Test
    void writesNameAndItemsInOrder() {
        assertEquals("{\"name\":\"team/app\",\"tags\":[\"1.0\",\"latest\",\"v_2-rc.1\"]}",
                ListingEndpoints.json("team/app", "tags", List.of("1.0", "latest", "v_2-rc.1")));
        assertEquals("{\"repositories\":[]}", ListingEndpoints.json(null, "repositories", List.of()));
    }

    @Test
    void escapesWhatJsonStringsCannotHoldAsIs() {
        List<String> odd = List.of("quote\"d", "back\\slash", "tab\there", "nul\u0000", "\u00e9t\u00e9", "plain");
        JsonObject read = new JsonObject(ListingEndpoints.json("a\"b", "tags", odd));
        assertEquals("a\"b", read.getString("name"));
        assertEquals(new JsonArray(odd), read.getJsonArray("tags"));
    }
}
