package dev.vending.bootstrap;

/**
 * The generate-time values of the bootstrap headers: {@code @@NAME@@} in a header resource is
 * replaced by the quoted value of the constant of that name. The template builder names them here
 * too when it hands a placeholder to a template parameter instead.
 */
public enum Placeholder {
    FLEET_NAME,
    /** GitLab Runner executor id: docker or shell. */
    EXECUTOR,
    /** Jobs per instance (config.toml's concurrent). */
    CONCURRENCY,
    /** latest or an exact runner version. */
    RUNNER_VERSION,
    /** The instance architecture as Go names it (the runner download): arm64 or amd64. */
    ARCH,
    /** The user's extra runner tags, comma-separated. */
    USER_TAGS,
    /** The runner tags fixed by the fleet (os-, arch-, glexecutor-); computetype-* is decided on the instance. */
    FIXED_TAGS,
    DOCKER_IMAGE,
    DOCKER_PRIVILEGED,
    /** s3 or none. */
    CACHE,
    /** Longest drain of a terminating runner, in seconds. */
    DRAIN_LIMIT,
    /** blocked (jobs cannot reach the instance metadata service, docs/security.md) or allowed. */
    JOBS_IMDS

}
