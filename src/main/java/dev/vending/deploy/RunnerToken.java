package dev.vending.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

import dev.vending.failure.BadInput;

/**
 * The GitLab runner token: read from --token-file, GITLAB_RUNNER_TOKEN or a hidden prompt, kept in
 * memory only until it is stored as an SSM SecureString, and never printed. The stack receives the
 * parameter's name, never the token.
 */
final class RunnerToken {
    static final String ENV = "GITLAB_RUNNER_TOKEN";
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_.=-]{1,512}");

    private RunnerToken() {
    }

    static String parameterName(String stackName) {
        return "/vending/" + stackName + "/runner-token";
    }

    /** A token given on this run (file, then environment); null when none was. */
    static String given(Path tokenFile, DeployContext context) {
        String token;
        String source;
        if (tokenFile != null) {
            try {
                token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            } catch (NoSuchFileException e) {
                throw new BadInput("--token-file", "no such file: " + tokenFile);
            } catch (IOException e) {
                throw new BadInput("--token-file", "cannot read " + tokenFile + ": " + e.getClass().getSimpleName());
            }
            source = "--token-file";
        } else {
            token = context.env(ENV);
            source = ENV;
            if (token != null) {
                token = token.strip();
            }
        }
        if (token == null) {
            return null;
        }
        check(token, source);
        return token;
    }

    /** Asks on the terminal without echo; null without a terminal. */
    static String prompt(DeployContext context) {
        char[] chars = context.readSecret("GitLab runner token (glrt-..., not shown): ");
        if (chars == null) {
            return null;
        }
        String token = new String(chars).strip();
        Arrays.fill(chars, '\0');
        check(token, "the prompt");
        return token;
    }

    /** The shape the template accepts; the message never repeats the token. */
    private static void check(String token, String source) {
        if (token.isEmpty()) {
            throw new BadInput(source, "the runner token is empty");
        }
        if (!SHAPE.matcher(token).matches()) {
            throw new BadInput(source, "the runner token has characters a GitLab token never has (or is over 512); "
                    + "expected letters, digits, '-', '_', '.', '='");
        }
    }

    static boolean stored(SsmClient ssm, String name) {
        try {
            ssm.getParameter(b -> b.name(name).withDecryption(false));
            return true;
        } catch (ParameterNotFoundException e) {
            return false;
        }
    }

    static void store(SsmClient ssm, String name, String stackName, String token) {
        ssm.putParameter(b -> b.name(name).type(ParameterType.SECURE_STRING).overwrite(true).value(token)
                .description("GitLab runner token of vending stack " + stackName));
    }

    /** Deletes the parameter; false when there was none. */
    static boolean delete(SsmClient ssm, String name) {
        try {
            ssm.deleteParameter(b -> b.name(name));
            return true;
        } catch (ParameterNotFoundException e) {
            return false;
        } catch (AwsServiceException e) {
            throw e;
        }
    }
}
