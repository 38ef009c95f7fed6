package dev.vending.deploy;

import java.util.List;

/** What a destroy did; {@code message} explains a FAILED result in one line. */
public record DestroyResult(Outcome result, String stackName, String region, String stackId, String status, String cacheBucket,
        Integer objectVersionsDeleted, String tokenParameterDeleted, List<StackEventLine> events, List<String> failures, String consoleUrl,
        String message) {
}
