package dev.vending.quality;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import dev.vending.fleet.Arch;
import dev.vending.fleet.CacheMode;
import dev.vending.fleet.Executor;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.InstanceCatalog;
import dev.vending.fleet.OperatingSystem;
import dev.vending.fleet.Purchase;
import dev.vending.fleet.SecuritySettings;
import dev.vending.fleet.Scaling;

/**
 * Random but valid fleet specs from a seeded {@link Random}: every generated builder must build.
 * Each draw also records the builder calls as text, so a failure can name the exact spec.
 */
final class RandomFleets {
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String NAME_CHARS = LETTERS + "0123456789-";
    private static final String TAG_FIRST = LETTERS + "0123456789";
    private static final String TAG_CHARS = TAG_FIRST + "_.:-";
    private static final String IMAGE_FIRST = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String IMAGE_CHARS = IMAGE_FIRST + "._/:@-";
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    private static final List<String> ZONES = new ArrayList<>(ZoneId.getAvailableZoneIds());

    static {
        Collections.sort(ZONES);
    }

    /** A drawn spec and the builder calls that made it. */
    record Draw(FleetSpec spec, String description) {
        /** The docker-autoscaler mode has no full template (generate refuses --all-parameters there). */
        boolean hasFullTemplate() {
            return spec.runner().executor() != dev.vending.fleet.Executor.DOCKER_AUTOSCALER;
        }

    }

    private final Random random;

    RandomFleets(long seed) {
        this.random = new Random(seed);
    }

    /** Seed from -Dvending.seed, else the clock. */
    static long seed() {
        String s = System.getProperty("vending.seed");
        return s == null || s.isBlank() ? System.nanoTime() : Long.parseLong(s.trim());
    }

    Draw next() {
        String gitlabUrl = null;
        StringBuilder d = new StringBuilder("FleetSpec.builder()");
        FleetSpec.Builder b = FleetSpec.builder();

        OperatingSystem os = random.nextInt(4) == 0 ? OperatingSystem.WINDOWS : OperatingSystem.LINUX;
        b.os(os);
        d.append(".os(").append(os).append(')');
        Arch arch = os == OperatingSystem.WINDOWS ? Arch.X86_64 : pick(Arch.values());
        if (os == OperatingSystem.LINUX && random.nextInt(5) == 0) {
            arch = Arch.ARM64; // the default, left implicit
        } else {
            b.arch(arch);
            d.append(".arch(").append(arch).append(')');
        }
        Executor executor = Executor.SHELL;
        if (os == OperatingSystem.LINUX) {
            executor = pick(Executor.values());
            b.executor(executor);
            d.append(".executor(").append(executor).append(')');
        } else {
            b.executor(Executor.SHELL);
            d.append(".executor(SHELL)");
        }

        boolean autoscaler = executor == Executor.DOCKER_AUTOSCALER;
        int runners = autoscaler ? 0 : switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> 1 + random.nextInt(5000);
            default -> 1 + random.nextInt(20);
        };
        // an elastic fleet in a quarter of the draws: --max required, min (and runners) at least 1
        Scaling scaling = autoscaler || random.nextInt(4) != 0 ? null
                : new Scaling(os == OperatingSystem.WINDOWS || random.nextBoolean() ? Scaling.Metric.CPU : Scaling.Metric.JOBS,
                        1 + random.nextInt(100));
        if (scaling != null) {
            runners = Math.max(1, Math.min(runners, 4000));
            b.scaling(scaling);
            d.append(".scaling(Scaling.parse(\"").append(scaling.describe()).append("\"))");
        }
        if (!autoscaler) {
            // docker-autoscaler refuses --runners and --min: the manager sizes its worker group
            b.runners(runners);
            d.append(".runners(").append(runners).append(')');
        }
        Integer min = null;
        Integer max = null;
        if (scaling != null || random.nextBoolean()) {
            max = Math.min(dev.vending.fleet.Capacity.MAX_LIMIT, runners + 1 + random.nextInt(30));
            b.max(max);
            d.append(".max(").append(max).append(')');
        }
        if (!autoscaler && random.nextBoolean()) {
            min = scaling != null ? 1 + random.nextInt(runners) : random.nextInt(runners + 1);
            b.min(min);
            d.append(".min(").append(min).append(')');
        }

        int fleetSize = autoscaler ? (max == null ? dev.vending.fleet.AutoscalerSettings.DEFAULT_MAX_WORKERS : max)
                : Math.max(runners, max == null ? runners : max);
        Purchase purchase = switch (random.nextInt(4)) {
            case 0 -> Purchase.allSpot();
            case 1 -> Purchase.allOnDemand();
            case 2 -> new Purchase(0, 1 + random.nextInt(99));
            default -> new Purchase(random.nextInt(fleetSize + 1), random.nextInt(101));
        };
        b.purchase(purchase);
        d.append(".purchase(new Purchase(").append(purchase.onDemandBase()).append(", ").append(purchase.spotPercent()).append("))");

        if (random.nextInt(3) > 0) {
            List<String> types = instanceTypes(arch);
            b.instanceTypes(types);
            d.append(".instanceTypes(").append(quoted(types)).append(')');
        }

        if (autoscaler && random.nextInt(3) == 0) {
            // a policy period is a span: fixed minute and hour, the same day fields, start before stop
            String days = List.of("* * *", "* * 1-5", "* * MON-FRI", "1-15 * *", "* * 0,6").get(random.nextInt(5));
            int from = random.nextInt(24 * 60 - 1);
            int to = from + 1 + random.nextInt(24 * 60 - from - 1);
            if (days.equals("* * *") && random.nextBoolean()) {
                int swap = from;
                from = to;
                to = swap; // overnight
            }
            String start = from % 60 + " " + from / 60 + " " + days;
            String stop = to % 60 + " " + to / 60 + " " + days;
            String zone = random.nextInt(4) == 0 ? "UTC" : ZONES.get(random.nextInt(ZONES.size()));
            int idle = 1 + random.nextInt(50);
            b.scheduleStart(start).scheduleStop(stop).timeZone(zone).idleCount(idle);
            d.append(".scheduleStart(\"").append(start).append("\").scheduleStop(\"").append(stop)
                    .append("\").timeZone(\"").append(zone).append("\").idleCount(").append(idle).append(')');
        } else if (!autoscaler && random.nextInt(3) == 0) {
            String start = cron();
            String stop = cron();
            while (stop.replaceAll("\\s+", " ").equals(start.replaceAll("\\s+", " "))) {
                stop = cron();
            }
            String zone = random.nextInt(4) == 0 ? "UTC" : ZONES.get(random.nextInt(ZONES.size()));
            b.scheduleStart(start).scheduleStop(stop).timeZone(zone);
            d.append(".scheduleStart(\"").append(start).append("\").scheduleStop(\"").append(stop)
                    .append("\").timeZone(\"").append(zone).append("\")");
            if (scaling != null && random.nextBoolean()) {
                int sm = 1 + random.nextInt(max);
                b.scheduleMin(sm);
                d.append(".scheduleMin(").append(sm).append(')');
            } else if (scaling == null && random.nextBoolean()) {
                int cap = max != null ? max : 5000;
                int sr = 1 + random.nextInt(Math.min(cap, random.nextBoolean() ? 50 : 5000));
                b.scheduleRunners(sr);
                d.append(".scheduleRunners(").append(sr).append(')');
            }
        }

        boolean jobsUseRole = random.nextInt(5) == 0;
        String boundary = random.nextInt(3) == 0 ? "arn:aws:iam::" + (100_000_000_000L + random.nextInt(999_999_999))
                + ":policy/" + word(TAG_FIRST, "abcXYZ09+=,.@_/-", 1 + random.nextInt(40)) : null;
        String key = random.nextInt(3) == 0 ? "arn:aws:kms:eu-west-1:123456789012:key/" + java.util.UUID.nameUUIDFromBytes(
                Long.toString(random.nextLong()).getBytes(java.nio.charset.StandardCharsets.UTF_8)) : null;
        // a job role needs an https GitLab URL: drawn after the URL, below
        boolean jobRole = random.nextInt(6) == 0;
        String jobBoundary = boundary;
        String jobKey = key;
        // a Windows S3 cache needs jobs on the instance role; else leave the default (none there)
        if (os == OperatingSystem.LINUX || jobsUseRole || random.nextBoolean()) {
            CacheMode cache = os == OperatingSystem.LINUX || jobsUseRole ? pick(CacheMode.values()) : CacheMode.NONE;
            b.cache(cache);
            d.append(".cache(").append(cache).append(')');
        }

        if (random.nextInt(3) > 0) {
            List<String> tags = new ArrayList<>();
            int n = random.nextInt(8);
            for (int i = 0; i < n; i++) {
                String tag = word(TAG_FIRST, TAG_CHARS, 1 + random.nextInt(random.nextInt(4) == 0 ? 63 : 12));
                // valid fleets only: the tags, joined, fit the EC2 tag value beside the computed ones
                if (String.join(",", tags).length() + 1 + tag.length() <= dev.vending.fleet.RunnerSettings.MAX_USER_TAGS_LENGTH) {
                    tags.add(tag);
                }
            }
            b.tags(tags);
            d.append(".tags(").append(quoted(tags)).append(')');
        }
        if (random.nextBoolean()) {
            int min2 = FleetSpec.minVolume(os);
            int v = random.nextInt(4) == 0 ? 16_384 - random.nextInt(2) : min2 + random.nextInt(500);
            b.volumeSize(v);
            d.append(".volumeSize(").append(v).append(')');
        }
        int concurrency = 4;
        if (random.nextBoolean()) {
            concurrency = 1 + random.nextInt(256);
            b.concurrency(concurrency);
            d.append(".concurrency(").append(concurrency).append(')');
        }
        if (autoscaler) {
            if (random.nextBoolean()) {
                int use = random.nextInt(4) == 0 ? 0 : concurrency + random.nextInt(1000);
                b.maxUseCount(use);
                d.append(".maxUseCount(").append(use).append(')');
            }
            if (random.nextBoolean()) {
                int idle = 60 + random.nextInt(24 * 3600 - 59);
                b.idleSeconds(idle);
                d.append(".idleSeconds(").append(idle).append(')');
            }
            if (random.nextInt(4) == 0) {
                String v = random.nextInt(3) + (random.nextBoolean() ? "." + random.nextInt(20) : "");
                b.pluginVersion(v);
                d.append(".pluginVersion(\"").append(v).append("\")");
            }
        }
        if (random.nextBoolean()) {
            String v = random.nextInt(4) == 0 ? "latest"
                    : (autoscaler ? 18 + random.nextInt(982) : random.nextInt(1000)) + "." + random.nextInt(1000) + "." + random.nextInt(1000);
            b.runnerVersion(v);
            d.append(".runnerVersion(\"").append(v).append("\")");
        }
        if (random.nextBoolean()) {
            String name = LETTERS.charAt(random.nextInt(LETTERS.length())) + word(NAME_CHARS, NAME_CHARS, random.nextInt(27));
            while (name.endsWith("-")) {
                name = name.substring(0, name.length() - 1);
            }
            b.name(name);
            d.append(".name(\"").append(name).append("\")");
        }
        if (random.nextBoolean()) {
            String image = word(IMAGE_FIRST, IMAGE_CHARS, 1 + random.nextInt(random.nextInt(5) == 0 ? 255 : 40));
            b.dockerImage(image);
            d.append(".dockerImage(\"").append(image).append("\")");
        }
        if (random.nextBoolean()) {
            String url = (random.nextBoolean() ? "https://" : "http://") + word("abcdefghij", "abcdefghij-", 1 + random.nextInt(20))
                    + (random.nextBoolean() ? "x." + word("klmn", "klmn0-", 1 + random.nextInt(8)) + "z" : "x") + ".example" + (random.nextBoolean() ? ":" + (1 + random.nextInt(65535)) : "")
                    + (random.nextBoolean() ? "/" + word("abc", "abc/_~-", random.nextInt(10)) : "");
            b.gitlabUrl(url);
            gitlabUrl = url;
            d.append(".gitlabUrl(\"").append(url).append("\")");
        }
        boolean https = true;
        if (gitlabUrl != null) {
            https = gitlabUrl.startsWith("https://");
        }
        dev.vending.fleet.JobRoleSettings job = null;
        String jobText = "null";
        if (jobRole && https) {
            List<String> subjects = new ArrayList<>();
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                subjects.add("project_path:" + word(TAG_FIRST, "abc-_.", 1 + random.nextInt(10)) + "/"
                        + word(TAG_FIRST, "abc/*-", 1 + random.nextInt(20))
                        + (random.nextBoolean() ? ":ref_type:" + (random.nextBoolean() ? "branch" : "tag") + ":ref:" + word(TAG_FIRST, "ab*./-", 1 + random.nextInt(12)) : ""));
            }
            List<String> policies = random.nextBoolean() ? List.of("arn:aws:iam::123456789012:policy/deploy") : List.of();
            job = new dev.vending.fleet.JobRoleSettings(subjects, policies, null);
            jobText = "new JobRoleSettings(" + quoted(subjects) + ", " + quoted(policies) + ", null)";
        }
        b.security(new SecuritySettings(jobsUseRole, jobsUseRole, jobBoundary, jobKey, job));
        d.append(".security(new SecuritySettings(").append(jobsUseRole).append(", ").append(jobsUseRole).append(", ")
                .append(jobBoundary == null ? "null" : "\"" + jobBoundary + "\"").append(", ")
                .append(jobKey == null ? "null" : "\"" + jobKey + "\"").append(", ").append(jobText).append("))");
        if (random.nextBoolean()) {
            boolean p = random.nextBoolean();
            b.privileged(p);
            d.append(".privileged(").append(p).append(')');
        }
        String description = d.append(".build()").toString();
        try {
            return new Draw(b.build(), description);
        } catch (RuntimeException e) {
            throw new AssertionError("valid spec rejected: " + e.getMessage() + "\n  " + description, e);
        }
    }

    private List<String> instanceTypes(Arch arch) {
        List<String> matching = new ArrayList<>();
        InstanceCatalog.all().forEach((name, type) -> {
            if (type.arch() == arch) {
                matching.add(name);
            }
        });
        Collections.shuffle(matching, random);
        int n = 1 + random.nextInt(random.nextInt(4) == 0 ? FleetSpec.MAX_INSTANCE_TYPES : 5);
        return new ArrayList<>(matching.subList(0, Math.min(n, matching.size())));
    }

    /** A valid five-field cron: *, numbers, ranges, steps, lists and month/day names, with random spacing. */
    String cron() {
        String[] f = {
            field(0, 59, null), field(0, 23, null), field(1, 31, null), field(1, 12, MONTHS), field(0, 7, DAYS)};
        StringBuilder s = new StringBuilder(random.nextInt(5) == 0 ? " " : "");
        for (int i = 0; i < f.length; i++) {
            if (i > 0) {
                s.append(random.nextInt(6) == 0 ? "  \t" : " ");
            }
            s.append(f[i]);
        }
        return s.toString();
    }

    private String field(int lo, int hi, List<String> names) {
        int parts = random.nextInt(4) == 0 ? 2 + random.nextInt(2) : 1;
        List<String> out = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            String part = switch (random.nextInt(5)) {
                case 0 -> "*";
                case 1 -> "*/" + (1 + random.nextInt(Math.min(hi, 99)));
                case 2 -> {
                    int a = lo + random.nextInt(hi - lo + 1);
                    int z = a + random.nextInt(hi - a + 1);
                    yield value(a, lo, names) + "-" + value(z, lo, names) + (random.nextBoolean() ? "/" + (1 + random.nextInt(hi)) : "");
                }
                default -> value(lo + random.nextInt(hi - lo + 1), lo, names);
            };
            out.add(part);
        }
        return String.join(",", out);
    }

    private String value(int v, int lo, List<String> names) {
        if (names != null && random.nextInt(3) == 0) {
            int idx = names.size() == 12 ? v - 1 : v;
            if (idx >= 0 && idx < names.size()) {
                String n = names.get(idx);
                return random.nextBoolean() ? n : n.toLowerCase();
            }
        }
        return random.nextBoolean() || v >= 10 ? Integer.toString(v) : "0" + v;
    }

    private String word(String first, String rest, int length) {
        if (length == 0) {
            return "";
        }
        StringBuilder s = new StringBuilder().append(first.charAt(random.nextInt(first.length())));
        for (int i = 1; i < length; i++) {
            s.append(rest.charAt(random.nextInt(rest.length())));
        }
        return s.toString();
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    private static String quoted(List<String> values) {
        StringBuilder s = new StringBuilder("List.of(");
        for (int i = 0; i < values.size(); i++) {
            s.append(i == 0 ? "\"" : ", \"").append(values.get(i)).append('"');
        }
        return s.append(')').toString();
    }
}
