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
    private final long maxStoredBytes;

    BodyParser(IngestLimits limits) {
        this.maxMessageBytes = limits.maxMessageBytes();
        this.maxBatchMessages = limits.maxBatchMessages();
        this.maxStoredBytes = limits.maxStoredBytes();
    }

    /** One message: the body is the message. */
    ParsedBody single(byte[] body) {
        OutOfRangeNumbers.reset();
        JsonNode node = readTree(body);
        if (!(node instanceof ObjectNode message)) {
            throw IngestException.badRequest("invalid_json", "the body must be a JSON object");
        }
        return new ParsedBody(message, List.of(new ParsedBody.Item(message, body.length)), OutOfRangeNumbers.seen());
    }

    /** A batch: {@code {"batch": [...], "context": {...}, ...}}. */
    ParsedBody batch(byte[] body) {
        OutOfRangeNumbers.reset();
        try (JsonParser p = Json.MAPPER.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw IngestException.badRequest("invalid_json", "the body must be a JSON object with a 'batch' array");
            }
            ObjectNode envelope = Json.MAPPER.createObjectNode();
            List<ParsedBody.Item> items = null;
            long merged = 0;   // bytes of the batch's context and integrations, which every message gets a copy of
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("batch".equals(field)) {
                    if (value != JsonToken.START_ARRAY) {
                        throw IngestException.badRequest("invalid_batch", "'batch' must be an array of messages");
                    }
                    items = readItems(p);
                } else {
                    long start = p.currentTokenLocation().getByteOffset();
                    envelope.set(field, p.readValueAsTree());
                    if (field.equals("context") || field.equals("integrations")) {
                        merged += p.currentLocation().getByteOffset() - start;
                    }
                }
            }
            if (p.nextToken() != null) {
                throw IngestException.badRequest("invalid_json", "unexpected content after the JSON object");
            }
            if (items == null) {
                throw IngestException.badRequest("invalid_batch", "the body has no 'batch' array");
            }
            return new ParsedBody(envelope, withMergedSize(items, merged), OutOfRangeNumbers.seen());
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
            long start = p.currentTokenLocation().getByteOffset();
            JsonNode value = p.readValueAsTree();
            int bytes = (int) (p.currentLocation().getByteOffset() - start);
            if (token != JsonToken.START_OBJECT) {
                items.add(new ParsedBody.Item(value, bytes, IngestException.badRequest("invalid_message",
                        "batch[" + index + "] must be a JSON object")));
            } else if (bytes > maxMessageBytes) {
                // Not kept: the failed-events topic gets its index, size and reason.
                items.add(new ParsedBody.Item(null, bytes, new IngestException(413, "message_too_large",
                        "batch[" + index + "] is " + bytes + " bytes; a message may be at most " + maxMessageBytes + " bytes")));
            } else {
                items.add(new ParsedBody.Item((ObjectNode) value, bytes));
            }
        }
        return items;
    }

    /**
     * The limits hold for each message as stored, after the batch's context and integrations are merged into it, and
     * they are checked before anything is copied: a message counts its own bytes plus the whole of those (an upper
     * bound: its own keys win in the merge), and the request as stored may be at most {@code maxStoredBytes}. A
     * 305 KB request with a large context once became 456 MB of copies.
     */
    private List<ParsedBody.Item> withMergedSize(List<ParsedBody.Item> items, long merged) {
        if (merged == 0) {
            return items;
        }
        long stored = 0;
        List<ParsedBody.Item> checked = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            ParsedBody.Item item = items.get(i);
            if (item.refused() == null && item.bytes() + merged > maxMessageBytes) {
                item = new ParsedBody.Item(null, item.bytes(), new IngestException(413, "message_too_large",
                        "batch[" + i + "] is " + item.bytes() + " bytes, and " + (item.bytes() + merged)
                                + " with the batch's context and integrations; a message may be at most "
                                + maxMessageBytes + " bytes as stored"));
            }
            if (item.refused() == null) {
                stored += item.bytes() + merged;
            }
            checked.add(item);
        }
        if (stored > maxStoredBytes) {
            throw new IngestException(413, "stored_too_large", "with the batch's context and integrations copied into"
                    + " each message, this request would store " + stored + " bytes; at most " + maxStoredBytes);
        }
        return checked;
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
