package dev.billing.hyperbilling.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.billing.core.support.Bounds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Currency;
import java.util.List;

/**
 * The JSON of the HyperBilling API, read and written with Jackson's streaming API. Numbers are read
 * as decimals ({@link JsonParser#getDecimalValue()}), never through {@code double}.
 */
final class Json {
    static final Currency USD = Currency.getInstance("USD");
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final int MAX_TEXT = 200;
    /** The fields of a row, its {@code GroupBy} and its {@code Value}, in the order the service sends them. */
    private static final SerializableString[] ROW_FIELDS = names("GroupBy", "Value");
    private static final SerializableString[] GROUP_BY_FIELDS =
            names("USAGE_DATE", "REGION", "SERVICE_CODE", "USAGE_TYPE", "INSTANCE_TYPE");
    private static final SerializableString[] VALUE_FIELDS = names("USAGE_COST", "USAGE_QUANTITY");

    private Json() {
    }

    /** The body of {@code POST /v1/search/billing}. */
    static byte[] billingRequest(String account, Window window, String nextDataToken) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("Filter");
            g.writeArrayFieldStart("LinkedAccount");
            g.writeString(account);
            g.writeEndArray();
            g.writeStringField("Granularity", window.granularity());
            g.writeObjectFieldStart("TimePeriod");
            g.writeStringField("Start", window.start().toString());
            g.writeStringField("End", window.end().toString());
            g.writeEndObject();
            if (nextDataToken != null) {
                g.writeStringField("NextDataToken", nextDataToken);
            }
            g.writeEndObject();
            g.writeArrayFieldStart("GroupBy");
            for (String field : List.of("USAGE_DATE", "REGION", "SERVICE_CODE", "USAGE_TYPE", "INSTANCE_TYPE")) {
                g.writeString(field);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("Result");
            g.writeString("USAGE_COST");
            g.writeString("USAGE_QUANTITY");
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * @param body a 200 answer of {@code POST /v1/search/billing}
     * @return the page
     * @throws ReplyException when the body is not a well-formed billing answer or carries an {@code errorCode}
     */
    static Page parsePage(byte[] body) {
        Currency[] currency = {USD};
        List<Row> rows = new ArrayList<>();
        String[] token = {null};
        readAnswer(body, (field, p) -> {
            switch (field) {
                case "Currency" -> currency[0] = currency(scalar(p));
                case "Results" -> readRows(p, rows);
                case "NextDataToken" -> token[0] = scalar(p);
                default -> p.skipChildren();
            }
        });
        return new Page(currency[0], rows, token[0] == null || token[0].isEmpty() ? null : token[0]);
    }

    /**
     * @param body a 200 answer of {@code GET /v1/search/linkedaccount}
     * @return the account ids
     * @throws ReplyException when the body is malformed or carries an {@code errorCode}
     */
    static List<String> parseLinkedAccounts(byte[] body) {
        List<String> accounts = new ArrayList<>();
        readAnswer(body, (field, p) -> {
            if (!field.equals("Results")) {
                p.skipChildren();
            } else if (p.currentToken() == JsonToken.START_ARRAY) {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    accounts.add(scalar(p));
                }
            } else if (p.currentToken() != JsonToken.VALUE_NULL) {
                throw new ReplyException("'Results' is not an array", null);
            }
        });
        return accounts;
    }

    /** Reads one top-level field's value; the parser stands on the value's first token. */
    @FunctionalInterface
    private interface FieldReader {
        void read(String field, JsonParser p) throws IOException;
    }

    /**
     * Walks a success answer's top-level fields, giving each to {@code reader} except {@code errorCode}
     * and {@code message}, which make the answer an error.
     *
     * @throws ReplyException when the body is malformed or carries an {@code errorCode}
     */
    private static void readAnswer(byte[] body, FieldReader reader) {
        ErrorBody error = null;
        try (JsonParser p = open(body)) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "errorCode" -> error = new ErrorBody(scalar(p), error == null ? null : error.message());
                    case "message" -> error = new ErrorBody(error == null ? null : error.code(), scalar(p));
                    default -> reader.read(field, p);
                }
            }
            close(p);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        failOnErrorCode(error);
    }

    /**
     * @param body an error answer, possibly empty or not JSON
     * @return its {@code errorCode} and {@code message}, each null when absent or unreadable
     */
    static ErrorBody parseError(byte[] body) {
        String code = null;
        String message = null;
        if (body.length > 0) {
            try (JsonParser p = FACTORY.createParser(body)) {
                if (p.nextToken() == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        p.nextToken();
                        if ("errorCode".equals(field)) {
                            code = scalar(p);
                        } else if ("message".equals(field)) {
                            message = scalar(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            } catch (IOException | ReplyException e) {
                // best effort: an unreadable error body only loses its detail
            }
        }
        return new ErrorBody(code, message);
    }

    /** The {@code errorCode} and {@code message} of an error answer. */
    record ErrorBody(String code, String message) {
        /**
         * @param scrub masks secrets in a text
         * @return this error with both texts scrubbed, whole, before {@link #describe()} shortens them
         */
        ErrorBody scrubbed(java.util.function.UnaryOperator<String> scrub) {
            return new ErrorBody(code == null ? null : scrub.apply(code), message == null ? null : scrub.apply(message));
        }

        /** @return {@code ": CODE: message"} with each part shortened, or "" when there is neither */
        String describe() {
            if (code == null && message == null) {
                return "";
            }
            return ": " + shorten(code == null ? "(no errorCode)" : code) + (message == null ? "" : ": " + shorten(message));
        }
    }

    private static JsonParser open(byte[] body) throws IOException {
        if (body.length == 0) {
            throw new ReplyException("empty body", null);
        }
        JsonParser p = FACTORY.createParser(body);
        if (p.nextToken() != JsonToken.START_OBJECT) {
            p.close();
            throw new ReplyException("the body is not a JSON object", null);
        }
        return p;
    }

    /** Checks the object ended and nothing follows it. */
    private static void close(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
            throw new ReplyException("unexpected content after the JSON object", null);
        }
    }

    private static void readRows(JsonParser p, List<Row> rows) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        expect(p, JsonToken.START_ARRAY, "'Results'");
        PageStrings strings = new PageStrings();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expect(p, JsonToken.START_OBJECT, "a row of 'Results'");
            String date = null;
            String region = null;
            String service = null;
            String usageType = null;
            BigDecimal cost = null;
            boolean hasCost = false;
            BigDecimal quantity = null;
            int s = 0;
            for (String section = nextField(p, ROW_FIELDS, s); section != null; section = nextField(p, ROW_FIELDS, ++s)) {
                p.nextToken();
                if ("GroupBy".equals(section)) {
                    expect(p, JsonToken.START_OBJECT, "'GroupBy'");
                    int f = 0;
                    for (String field = nextField(p, GROUP_BY_FIELDS, f); field != null;
                         field = nextField(p, GROUP_BY_FIELDS, ++f)) {
                        p.nextToken();
                        switch (field) {
                            case "USAGE_DATE" -> date = text(p, strings);
                            case "REGION" -> region = text(p, strings);
                            case "SERVICE_CODE" -> service = text(p, strings);
                            case "USAGE_TYPE" -> usageType = text(p, strings);
                            default -> p.skipChildren();
                        }
                    }
                } else if ("Value".equals(section)) {
                    expect(p, JsonToken.START_OBJECT, "'Value'");
                    int f = 0;
                    for (String field = nextField(p, VALUE_FIELDS, f); field != null;
                         field = nextField(p, VALUE_FIELDS, ++f)) {
                        p.nextToken();
                        switch (field) {
                            case "USAGE_COST" -> {
                                cost = decimal(p, field);
                                hasCost = true;
                            }
                            case "USAGE_QUANTITY" -> quantity = decimal(p, field);
                            default -> p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (date == null || date.isEmpty()) {
                throw new ReplyException("row " + (rows.size() + 1) + " has no USAGE_DATE", null);
            }
            if (!hasCost) {
                throw new ReplyException("row " + (rows.size() + 1) + " has no USAGE_COST", null);
            }
            rows.add(new Row(date, region, service, usageType, cost == null ? BigDecimal.ZERO : cost, quantity,
                    cost == null));
        }
    }

    /**
     * Moves past the next field name of an object.
     *
     * <p>The service sends a row's fields in a fixed order, so the {@code index}-th name of
     * {@code expected} (cyclically) is tried first: {@link JsonParser#nextFieldName(SerializableString)}
     * compares it with the raw bytes, sparing the decoding and symbol-table lookup that dominate
     * reading an arbitrary name. Any other name is still read, only that way.
     *
     * @return the field's name, or null at the end of the object
     */
    private static String nextField(JsonParser p, SerializableString[] expected, int index) throws IOException {
        SerializableString name = expected[index % expected.length];
        if (p.nextFieldName(name)) {
            return name.getValue();
        }
        return p.currentToken() == JsonToken.FIELD_NAME ? p.currentName() : null;
    }

    private static SerializableString[] names(String... names) {
        return Arrays.stream(names).map(SerializedString::new).toArray(SerializableString[]::new);
    }

    private static BigDecimal decimal(JsonParser p, String field) throws IOException {
        try {
            return switch (p.currentToken()) {
                // an integer is read into a long first, without text; a fraction from the parser's buffer
                case VALUE_NUMBER_INT -> Bounds.decimal(p.getDecimalValue());
                case VALUE_NUMBER_FLOAT -> Bounds.decimal(Decimals.parse(p.getTextCharacters(), p.getTextOffset(),
                        p.getTextLength()));
                case VALUE_NULL -> null;
                case VALUE_STRING -> Bounds.decimal(p.getText());
                default -> throw new ReplyException(field + " is not a number", null);
            };
        } catch (NumberFormatException e) {
            throw new ReplyException(field + " is not a number within bounds: " + e.getMessage(), null);
        }
    }

    /** @return the text of a scalar, null for JSON null; a string through the page's {@code strings} */
    private static String text(JsonParser p, PageStrings strings) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            return strings.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        }
        return scalar(p);
    }

    /** @return the text of a scalar, null for JSON null */
    private static String scalar(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == null || !t.isScalarValue()) {
            throw new ReplyException("expected a value at field '" + p.currentName() + "', got " + t, null);
        }
        return p.getText();
    }

    private static void expect(JsonParser p, JsonToken token, String what) {
        if (p.currentToken() != token) {
            throw new ReplyException(what + " is not a JSON " + (token == JsonToken.START_ARRAY ? "array" : "object"),
                    null);
        }
    }

    private static Currency currency(String code) {
        if (code == null || code.isEmpty()) {
            return USD;
        }
        try {
            return Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw new ReplyException("unknown Currency '" + shorten(code) + "'", null);
        }
    }

    private static void failOnErrorCode(ErrorBody error) {
        if (error != null && error.code() != null) {
            throw new ReplyException("the answer carries an error" + error.describe(), null);
        }
    }

    private static ReplyException malformed(JsonProcessingException e) {
        var at = e.getLocation();
        return new ReplyException("malformed JSON (" + e.getOriginalMessage()
                + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ")", e);
    }

    static String shorten(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
    }
}
