package io.drover.buffer;

/**
 * A condition under which the buffer refuses writes before trying them (the disk at its floor, a failed broker). It
 * is asked once per request, so its answer must be a field read: whoever watches the condition keeps it current.
 */
public interface BufferGate {

    /** Why writes are refused now, or null when they may be tried. */
    BufferUnavailable refusal();
}
