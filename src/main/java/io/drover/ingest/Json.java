package io.drover.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the ingestion path, with limits that keep hostile bodies cheap to refuse. */
public final class Json {

    /** Real events are shallow; a deep document is an attack on the parser's stack, refused early. */
    public static final int MAX_DEPTH = 64;

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxNumberLength(100)
                            .build())
                    .build())
            // Keep decimal values exactly as sent (prices: 19.99 stays 19.99), and no Infinity from 1e400.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(new OutOfRangeNumbers())
            .build();

    private Json() {
    }
}
