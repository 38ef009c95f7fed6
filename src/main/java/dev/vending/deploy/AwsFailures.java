package dev.vending.deploy;

import dev.vending.failure.Failure;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns SDK exceptions into one line (a Failure of kind AWS; the cause only under --verbose). */
final class AwsFailures {
    private AwsFailures() {
    }

    static Failure of(String doing, SdkException e) {
        return new Failure(Failure.Kind.AWS, doing + ": " + describe(e), e);
    }

    static String describe(SdkException e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
            String code = s.awsErrorDetails().errorCode();
            String msg = s.awsErrorDetails().errorMessage();
            String hint = "";
            if ("ExpiredToken".equals(code) || "ExpiredTokenException".equals(code)) {
                hint = " (refresh your credentials, e.g. aws sso login)";
            } else if ("AccessDenied".equals(code) || "AccessDeniedException".equals(code) || "UnauthorizedOperation".equals(code)) {
                hint = " (the credentials in use lack this permission)";
            }
            return (code == null ? "HTTP " + s.statusCode() : code) + ": " + (msg == null ? "(no message)" : msg) + hint;
        }
        if (e instanceof SdkClientException) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (m.contains("Unable to load credentials")) {
                return "no AWS credentials found (set AWS_PROFILE or --profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)";
            }
            return m;
        }
        return e.getMessage();
    }
}
