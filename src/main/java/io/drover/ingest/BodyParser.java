package io.drover.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Parses a request body into messages. A batch is streamed so that each item's size on the wire is known without
 * serialising it again (Segment's 32 KB limit is per message).
 */
final class BodyParser {

    private final int maxMessageBytes;
    private final int maxBatchMessages;

    BodyParser(int maxMessageBytes, int maxBatchMessages) {
        this.maxMessageBytes = maxMessageBytes;
        this.maxBatchMessages = maxBatchMessages;
    }

    /** One message: the body is the message. */
    ParsedBody single(byte[] body) {
        JsonNode node = readTree(body);
        if (!(node instanceof ObjectNode message)) {
            throw IngestException.badRequest("invalid_json", "the body must be a JSON object");
        }
        return new ParsedBody(message, List.of(new ParsedBody.Item(message, body.length)));
    }

    /** A batch: {@code {"batch": [...], "context": {...}, ...}}. */
    ParsedBody batch(byte[] body) {
        try (JsonParser p = Json.MAPPER.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw IngestException.badRequest("invalid_json", "the body must be a JSON object with a 'batch' array");
            }
            ObjectNode envelope = Json.MAPPER.createObjectNode();
            List<ParsedBody.Item> items = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("batch".equals(field)) {
                    if (value != JsonToken.START_ARRAY) {
                        throw IngestException.badRequest("invalid_batch", "'batch' must be an array of messages");
                    }
                    items = readItems(p);
                } else {
                    envelope.set(field, p.readValueAsTree());
                }
            }
            if (p.nextToken() != null) {
                throw IngestException.badRequest("invalid_json", "unexpected content after the JSON object");
            }
            if (items == null) {
                throw IngestException.badRequest("invalid_batch", "the body has no 'batch' array");
            }
            return new ParsedBody(envelope, items);
        } catch (IngestException e) {
            throw e;
        } catch (IOException e) {
            throw invalidJson(e);
        }
    }

    private List<ParsedBody.Item> readItems(JsonParser p) throws IOException {
        List<ParsedBody.Item> items = new ArrayList<>();
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            int index = items.size();
            if (index >= maxBatchMessages) {
                throw IngestException.badRequest("batch_too_large",
                        "a batch holds at most " + maxBatchMessages + " messages");
            }
            if (token != JsonToken.START_OBJECT) {
                throw IngestException.badRequest("invalid_message", "batch[" + index + "] must be a JSON object");
            }
            long start = p.currentTokenLocation().getByteOffset();
            ObjectNode message = p.readValueAsTree();
            long bytes = p.currentLocation().getByteOffset() - start;
            if (bytes > maxMessageBytes) {
                throw new IngestException(413, "message_too_large",
                        "batch[" + index + "] is " + bytes + " bytes; a message may be at most " + maxMessageBytes + " bytes");
            }
            items.add(new ParsedBody.Item(message, (int) bytes));
        }
        return items;
    }

    static JsonNode readTree(byte[] body) {
        try (JsonParser p = Json.MAPPER.createParser(body)) {
            JsonNode node = Json.MAPPER.readTree(p);
            if (node == null) {
                throw IngestException.badRequest("invalid_json", "the body is empty");
            }
            if (p.nextToken() != null) {
                throw IngestException.badRequest("invalid_json", "unexpected content after the JSON object");
            }
            return node;
        } catch (IngestException e) {
            throw e;
        } catch (IOException e) {
            throw invalidJson(e);
        }
    }

    private static IngestException invalidJson(IOException e) {
        if (e instanceof StreamConstraintsException) {
            return IngestException.badRequest("invalid_json",
                    "JSON nested deeper than " + Json.MAX_DEPTH + " levels, or a number too long, is not accepted");
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int cut = detail.indexOf('\n');
        if (cut > 0) {
            detail = detail.substring(0, cut);
        }
        if (detail.length() > 200) {
            detail = detail.substring(0, 200) + "...";
        }
        return IngestException.badRequest("invalid_json", "the body is not valid JSON: " + detail);
    }
}
