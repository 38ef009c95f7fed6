package dev.vending.deploy;

/**
 * Where deploy, destroy and status report while they work; the command line renders it (text or
 * JSON). Nothing here decides anything: the orchestration asks, the view shows.
 */
public interface DeployView {
    /** A progress line (stdout in text mode, stderr in JSON mode). */
    void progress(String line);

    /** A warning or failure detail (always stderr). */
    void warn(String line);

    /** The change set's preview. */
    void plan(Plan plan);

    /** Asks before a change; true to go ahead. Only called when someone can answer (checked before any AWS call). */
    boolean confirm(String question);

    /** A stack event newer than this run's marker, oldest first, each once. */
    void event(StackEventLine event);

    /** After a batch of events: resources settled so far. */
    void resourcesDone(int done, int total, String stackStatus);
}
