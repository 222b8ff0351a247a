package dev.billing.testkit.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Writing the simulators' JSON answers: bodies, the {@code {"errorCode", "message"}} error body, sending. */
final class Answers {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Answers() {
    }

    /** Writes one JSON document. */
    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] json(Writer writer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writer.write(g);
        }
        return out.toByteArray();
    }

    static byte[] error(String code, String message) throws IOException {
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("errorCode", code);
            g.writeStringField("message", message);
            g.writeEndObject();
        });
    }

    static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
