package dev.vending.fleet;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.vending.failure.BadInput;

/**
 * How GitLab Runner is configured on each instance.
 *
 * @param concurrency  jobs run at once per instance ({@code concurrent} in config.toml)
 * @param tags         the user's extra runner tags (the computed ones are added by {@link FleetSpec#runnerTags})
 * @param version      {@code latest} or an exact runner version like {@code 17.5.2}
 * @param dockerImage  default image for jobs that name none (docker executor)
 * @param privileged   run job containers privileged (needed for docker-in-docker; off unless asked)
 * @param drainSeconds longest a terminating runner waits for its running jobs (the watcher heartbeats
 *                     the lifecycle action meanwhile) before it unregisters and lets the instance go
 */
public record RunnerSettings(Executor executor, int concurrency, List<String> tags, String gitlabUrl, String version,
        String dockerImage, boolean privileged, int drainSeconds) {

    public static final String DEFAULT_GITLAB_URL = "https://gitlab.com";
    /** The newest release, resolved on the instance at boot. */
    public static final String LATEST_VERSION = "latest";
    public static final int DEFAULT_CONCURRENCY = 4;
    public static final String DEFAULT_DOCKER_IMAGE = "public.ecr.aws/docker/library/alpine:latest";
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}");
    private static final Pattern VERSION = Pattern.compile("latest|\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    private static final Pattern URL_CHARS = Pattern.compile("[A-Za-z0-9:/._~%-]+");
    private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/:@-]{0,254}");
    public static final int MAX_CONCURRENCY = 256;
    /** The extra runner tags, joined: 256 (EC2 tag values) less the computed tags and separators. */
    public static final int MAX_USER_TAGS_LENGTH = 180;
    public static final int DEFAULT_DRAIN_SECONDS = 7200;
    /** Auto Scaling ends a lifecycle action after 100 heartbeat timeouts (600 s here) at most. */
    public static final int MAX_DRAIN_SECONDS = 16 * 3600;

    public RunnerSettings {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new BadInput("--concurrency", "must be between 1 and " + MAX_CONCURRENCY + " (got " + concurrency + ")");
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (String t : tags) {
            String tag = t.trim();
            if (!TAG.matcher(tag).matches()) {
                throw new BadInput("--runner-tags", "invalid tag '" + t
                        + "' (letters, digits, '_', '.', ':' and '-', up to 63 characters, starting with a letter or digit)");
            }
            unique.add(tag);
        }
        tags = List.copyOf(unique);
        // the runner tags are also an EC2 tag value (at most 256 characters) beside the computed ones
        if (String.join(",", tags).length() > MAX_USER_TAGS_LENGTH) {
            throw new BadInput("--runner-tags", "at most " + MAX_USER_TAGS_LENGTH + " characters in all (EC2 tag values hold 256, "
                    + "and the computed os, arch, executor and purchase tags come first)");
        }
        gitlabUrl = normaliseUrl(gitlabUrl);
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new BadInput("--runner-version", "must be 'latest' or a version like 17.5.2 (got '" + version + "')");
        }
        if (drainSeconds < 60 || drainSeconds > MAX_DRAIN_SECONDS) {
            throw new BadInput("--drain-timeout", "must be between 1m and 16h (got " + drainSeconds + " s)");
        }
        if (dockerImage == null || !IMAGE.matcher(dockerImage).matches()) {
            throw new BadInput("--docker-image", "invalid image reference '" + dockerImage + "'");
        }
    }

    /** Parses 90, 90s, 45m or 2h into seconds; anything else names --drain-timeout. */
    public static int parseDuration(String value) {
        String v = value == null ? "" : value.trim();
        int unit = 1;
        if (v.endsWith("h")) {
            unit = 3600;
        } else if (v.endsWith("m")) {
            unit = 60;
        }
        String digits = unit == 1 && v.endsWith("s") || unit > 1 ? v.substring(0, v.length() - 1) : v;
        boolean number = !digits.isEmpty() && digits.length() <= 6;
        for (int i = 0; number && i < digits.length(); i++) {
            number = digits.charAt(i) >= '0' && digits.charAt(i) <= '9';
        }
        if (!number) {
            throw new BadInput("--drain-timeout", "'" + value + "' is not a duration (e.g. 45m, 2h or 600)");
        }
        return Integer.parseInt(digits) * unit;
    }

    /** Checks an http(s) URL without quotes, spaces or credentials and drops a trailing slash. */
    public static String normaliseUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new BadInput("--gitlab-url", "must not be empty");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new BadInput("--gitlab-url", "'" + url + "' is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new BadInput("--gitlab-url", "'" + url + "' must start with https:// or http://");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || !URL_CHARS.matcher(url.trim()).matches()) {
            throw new BadInput("--gitlab-url", "'" + url + "' must be a plain http(s) URL like https://gitlab.example.com");
        }
        String s = url.trim();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
