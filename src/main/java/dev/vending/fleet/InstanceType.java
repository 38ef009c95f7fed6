package dev.vending.fleet;

/**
 * What the fleet needs to know about one EC2 instance type.
 *
 * @param name        e.g. {@code m7g.large}
 * @param family      e.g. {@code m7g}
 * @param arch        CPU architecture
 * @param vcpus       virtual CPUs
 * @param memoryGiB   memory in GiB
 * @param currentGeneration false for types AWS lists as previous generation (e.g. a1)
 * @param windows     whether Windows AMIs run on it (not on arm64)
 */
public record InstanceType(String name, String family, Arch arch, int vcpus, double memoryGiB,
        boolean currentGeneration, boolean windows) {
}
