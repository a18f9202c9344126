package io.chronon.node.http;

import io.chronon.ChrononException;
import io.chronon.edn.EdnParseException;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.EdnReader;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.MediaTypes;

import java.util.Map;

/** The two body formats of the HTTP API: EDN ({@code application/edn}, the default) and JSON ({@link JsonConvention}). */
enum Format {
    EDN("application/edn", ContentTypes.create(MediaTypes.customWithFixedCharset("application", "edn", HttpCharsets.UTF_8,
            Map.of(), false))),
    JSON("application/json", ContentTypes.APPLICATION_JSON);

    final String mediaType;
    final ContentType contentType;

    Format(String mediaType, ContentType contentType) {
        this.mediaType = mediaType;
        this.contentType = contentType;
    }

    /** The value of a body in this format; {@code incorrect} if it is malformed. */
    Object read(String text) {
        if (this == JSON) {
            return JsonConvention.read(text);
        }
        try {
            return EdnReader.read(text);
        } catch (EdnParseException e) {
            throw ChrononException.incorrect("chronon.error/invalid-edn", "Malformed EDN: " + e.getMessage(), null);
        }
    }

    /** The text of a value in this format. */
    String write(Object value) {
        return this == JSON ? JsonConvention.write(value) : EdnPrinter.print(value);
    }

    /**
     * The format of a request body by its media type: EDN for {@code application/edn} and for
     * none ({@code application/octet-stream} is what a request without a Content-Type gets);
     * JSON for {@code application/json}; {@code incorrect} ({@code unsupported-media-type},
     * answered 415) for any other. Form bodies ({@code application/x-www-form-urlencoded},
     * {@code multipart/form-data}) and {@code text/plain} are refused by name: a browser sends
     * them from any page without asking the server first (no CORS preflight), so reading them
     * as EDN would let any web site transact with the credentials the browser holds.
     */
    static Format ofContentType(String mediaType) {
        if (mediaType == null || mediaType.isEmpty() || mediaType.equals("application/edn")
                || mediaType.equals("application/octet-stream")) {
            return EDN;
        }
        if (mediaType.equals("application/json")) {
            return JSON;
        }
        String why = mediaType.equals("application/x-www-form-urlencoded") || mediaType.startsWith("multipart/")
                ? " (form bodies are refused: a browser posts them from any web site; curl -d sends one, so give curl"
                + " -H 'Content-Type: application/edn')"
                : "";
        throw ChrononException.incorrect("chronon.error/unsupported-media-type",
                "Bodies are application/edn or application/json, not " + mediaType + why, mediaType);
    }

    /** The response format an {@code Accept} header asks for: JSON if it names JSON before EDN, else EDN. */
    static Format ofAccept(String accept) {
        if (accept == null) {
            return EDN;
        }
        int json = accept.indexOf("application/json");
        int edn = accept.indexOf("application/edn");
        return json >= 0 && (edn < 0 || json < edn) ? JSON : EDN;
    }
}
