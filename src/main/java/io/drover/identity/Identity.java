package io.drover.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What Drover knows about one visitor or user: the other id it is linked to and the latest vendor ids
 * ({@code context.providers}). Kept under two kinds of key: {@code a:<anonymousId>} and {@code u:<userId>}.
 *
 * @param userId      the user the anonymous id belongs to (for an {@code a:} key), or the user itself
 * @param anonymousId the latest anonymous id seen with the user (for a {@code u:} key), or the id itself
 * @param providers   vendor ids by vendor, as in {@code context.providers}; never null
 * @param updatedAt   epoch ms of the event that last changed it
 */
public record Identity(String userId, String anonymousId, ObjectNode providers, long updatedAt) {
}
