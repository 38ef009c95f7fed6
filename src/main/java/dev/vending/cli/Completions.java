package dev.vending.cli;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import dev.vending.cfn.TemplateFormat;
import dev.vending.fleet.Arch;
import dev.vending.fleet.CacheMode;
import dev.vending.fleet.Executor;
import dev.vending.fleet.OperatingSystem;

/**
 * The values the completion script offers for enumerated options (picocli's completionCandidates).
 * Taken from the enums that parse them, so a new value is offered as soon as it is accepted.
 * picocli instantiates these while building a command; the values are computed only when iterated.
 */
final class Completions {
    private Completions() {
    }

    public static final class Arches implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (Arch a : Arch.values()) {
                names.add(a.awsName());
            }
            return names.iterator();
        }
    }

    public static final class OperatingSystems implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (OperatingSystem os : OperatingSystem.values()) {
                names.add(os.id());
            }
            return names.iterator();
        }
    }

    public static final class Executors implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (Executor e : Executor.values()) {
                names.add(e.id());
            }
            return names.iterator();
        }
    }

    public static final class Caches implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (CacheMode c : CacheMode.values()) {
                names.add(c.name().toLowerCase(Locale.ROOT));
            }
            return names.iterator();
        }
    }

    /** generate --format: the template's format. */
    public static final class TemplateFormats implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (TemplateFormat f : TemplateFormat.values()) {
                names.add(f.name().toLowerCase(Locale.ROOT));
            }
            return names.iterator();
        }
    }

    /** --output of the commands that print a report. */
    public static final class Output implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("text", "json").iterator();
        }
    }
}
