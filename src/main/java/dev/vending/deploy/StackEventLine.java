package dev.vending.deploy;

/** One stack event as shown: time (ISO-8601, UTC), resource, status and its reason (null when none). */
public record StackEventLine(String eventId, String timestamp, String logicalResourceId, String resourceType, String status, String reason) {
}
