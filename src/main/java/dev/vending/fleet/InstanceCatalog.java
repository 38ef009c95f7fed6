package dev.vending.fleet;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one place that knows instance types: their architecture, size and generation, and the
 * default type lists per architecture and purchase option.
 *
 * <p>Covers the general purpose, compute and memory families a CI runner fleet uses, medium to
 * 8xlarge (vCPU and memory follow AWS's published size ladder for each family).
 */
public final class InstanceCatalog {
    private static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9-]*\\.[a-z0-9]+");

    private static final Map<String, InstanceType> TYPES = new LinkedHashMap<>();
    private static final Map<String, InstanceStore> STORES = new LinkedHashMap<>();
    private static final String[] SIZES = {"medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge"};

    static {
        // family, arch, GiB per vCPU, current generation
        family("m7g", Arch.ARM64, 4, true);
        family("m7gd", Arch.ARM64, 4, true);
        family("m6g", Arch.ARM64, 4, true);
        family("m6gd", Arch.ARM64, 4, true);
        family("m8g", Arch.ARM64, 4, true);
        family("c7g", Arch.ARM64, 2, true);
        family("c7gd", Arch.ARM64, 2, true);
        family("c6g", Arch.ARM64, 2, true);
        family("c6gd", Arch.ARM64, 2, true);
        family("c8g", Arch.ARM64, 2, true);
        family("r7g", Arch.ARM64, 8, true);
        family("r6g", Arch.ARM64, 8, true);
        family("r6gd", Arch.ARM64, 8, true);
        family("a1", Arch.ARM64, 2, false);
        family("m7i", Arch.X86_64, 4, true);
        family("m7i-flex", Arch.X86_64, 4, true);
        family("m7a", Arch.X86_64, 4, true);
        family("m6i", Arch.X86_64, 4, true);
        family("m6id", Arch.X86_64, 4, true);
        family("m6a", Arch.X86_64, 4, true);
        family("m6in", Arch.X86_64, 4, true);
        family("m5", Arch.X86_64, 4, true);
        family("m5d", Arch.X86_64, 4, true);
        family("m5n", Arch.X86_64, 4, true);
        family("m5a", Arch.X86_64, 4, true);
        family("c7i", Arch.X86_64, 2, true);
        family("c7a", Arch.X86_64, 2, true);
        family("c6i", Arch.X86_64, 2, true);
        family("c6a", Arch.X86_64, 2, true);
        family("c5", Arch.X86_64, 2, true);
        family("c5d", Arch.X86_64, 2, true);
        family("r7i", Arch.X86_64, 8, true);
        family("r6i", Arch.X86_64, 8, true);
        family("r5", Arch.X86_64, 8, true);
        // NVMe instance store (AWS's instance type specifications: disks x GB per disk, medium to 8xlarge);
        // the bootstraps put Docker's data there (docs/lifecycle.md, "Docker's disk")
        int[] graviton = {59, 118, 237, 474, 950, 1900};
        for (String f : List.of("m7gd", "m6gd", "c7gd", "c6gd", "r6gd")) {
            store(f, graviton, new int[] {1, 1, 1, 1, 1, 1});
        }
        store("m6id", graviton, new int[] {0, 1, 1, 1, 1, 1});
        store("m5d", new int[] {0, 75, 150, 300, 300, 600}, new int[] {0, 1, 1, 1, 2, 2});
        // c5d has no 8xlarge (its next size is 9xlarge), so nothing is said of that name
        store("c5d", new int[] {0, 50, 100, 200, 400, 0}, new int[] {0, 1, 1, 1, 1, 0});
        // the docker-autoscaler manager's small burstable types (AutoscalerSettings.managerType)
        TYPES.put("t4g.small", new InstanceType("t4g.small", "t4g", Arch.ARM64, 2, 2, true, false));
        TYPES.put("t3.small", new InstanceType("t3.small", "t3", Arch.X86_64, 2, 2, true, true));
    }

    private static void family(String family, Arch arch, int gibPerVcpu, boolean current) {
        String[] sizes = SIZES;
        int[] vcpus = {1, 2, 4, 8, 16, 32};
        for (int i = 0; i < sizes.length; i++) {
            // x86 families here start at large; a1 stops at 4xlarge
            if (i == 0 && arch == Arch.X86_64) {
                continue;
            }
            if (family.equals("a1") && i == 5) {
                continue;
            }
            String name = family + "." + sizes[i];
            TYPES.put(name, new InstanceType(name, family, arch, vcpus[i], (double) vcpus[i] * gibPerVcpu, current,
                    arch == Arch.X86_64));
        }
    }

    private static void store(String family, int[] gbPerDisk, int[] disks) {
        for (int i = 0; i < SIZES.length; i++) {
            if (disks[i] > 0) {
                STORES.put(family + "." + SIZES[i], new InstanceStore(disks[i], gbPerDisk[i]));
            }
        }
    }

    private InstanceCatalog() {
    }

    /**
     * The NVMe instance store of a type: {@code disks} SSDs of {@code gbPerDisk} GB each, local to the host, blank at
     * every start (they survive a reboot only).
     */
    public record InstanceStore(int disks, int gbPerDisk) {
        public int totalGb() {
            return disks * gbPerDisk;
        }
    }

    /** The type's instance store; empty for EBS-only types (and types the catalogue does not know). */
    public static Optional<InstanceStore> instanceStore(String type) {
        return Optional.ofNullable(STORES.get(type));
    }

    public static Optional<InstanceType> find(String name) {
        return Optional.ofNullable(TYPES.get(name));
    }

    public static Map<String, InstanceType> all() {
        return Collections.unmodifiableMap(TYPES);
    }

    public static boolean isWellFormedName(String name) {
        return name != null && TYPE_NAME.matcher(name).matches();
    }

    /**
     * Default types. On-Demand: one current-generation type. Any Spot share: five similar
     * 2-vCPU/8-GiB-class types across families and generations so capacity is diversified.
     */
    public static List<String> defaults(Arch arch, boolean usesSpot) {
        if (arch == Arch.ARM64) {
            return usesSpot ? List.of("m7g.large", "m6g.large", "m7gd.large", "m6gd.large", "r6g.large")
                    : List.of("m7g.large");
        }
        return usesSpot ? List.of("m7i.large", "m6i.large", "m6a.large", "m7a.large", "m5.large")
                : List.of("m7i.large");
    }
}
