package dev.vending.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vending.fleet.BootstrapValues;
import dev.vending.fleet.Executor;
import dev.vending.fleet.FleetSpec;

/**
 * Docker's disk on docker runners and docker-autoscaler workers: the instance-store and prune scripts as
 * the rendered user data writes them, run in bash with fake {@code lsblk}, {@code blkid}, {@code mdadm},
 * {@code mkfs.xfs}, {@code mount}, {@code docker}, {@code df} and {@code curl} that record their calls and
 * keep a little state (what is mounted, which filesystem exists, which images there are). PATH holds only
 * the fakes and the few real tools the scripts use, so no call reaches the machine's own disks or Docker.
 * Not covered: real NVMe devices, mdadm, XFS and Docker; systemd ordering the unit before Docker (checked as text).
 */
class DockerHostTest {
    private static final String STORE = "Amazon EC2 NVMe Instance Storage";
    private static final String EBS = "Amazon Elastic Block Store";
    private static final String STORAGE_PATH = "/usr/local/sbin/vending-docker-storage";
    private static final String PRUNE_PATH = "/usr/local/sbin/vending-docker-prune";

    @TempDir
    Path dir;
    private Path bin;
    private Path state;
    private Path log;

    @BeforeEach
    void fakes() throws Exception {
        bin = Files.createDirectories(dir.resolve("bin"));
        state = Files.createDirectories(dir.resolve("state"));
        log = dir.resolve("calls.log");
        for (String tool : List.of("bash", "mkdir", "head", "sort", "comm", "sed", "xargs", "tr", "tail", "cat", "awk",
                "touch", "rm", "grep", "cp", "chmod")) {
            Path real = Path.of(run(List.of("bash", "-c", "command -v " + tool), Map.of()).strip());
            Files.createSymbolicLink(bin.resolve(tool), real);
        }
        String record = "echo \"${0##*/} $*\" >>\"$LOG\"\n";
        fake("lsblk", record + "cat \"$S/lsblk\"\n");
        fake("udevadm", record);
        fake("mountpoint", "[ -f \"$S/mounted\" ]\n");
        // nothing found is exit 2, as blkid does
        fake("blkid", record + "[ -f \"$S/fs\" ] || exit 2\ncat \"$S/fs\"\n");
        fake("mkfs.xfs", record + "for a; do :; done; echo \"$a\" >\"$S/fs\"\n");
        fake("mount", record + "touch \"$S/mounted\"\n");
        fake("mdadm", record);
        // dnf install mdadm puts the fake mdadm on PATH
        fake("dnf", record + "case \" $* \" in *' mdadm '*) cp \"$S/../bin/.mdadm\" \"$S/../bin/mdadm\" ;; esac\n");
        Files.copy(bin.resolve("mdadm"), bin.resolve(".mdadm"));
        fake("docker", record + String.join("\n",
                "case \"$*\" in",
                "  info) [ ! -f \"$S/docker-down\" ] ;;",
                "  'info --format {{.DockerRootDir}}') echo /var/lib/docker ;;",
                "  'ps --all --quiet --no-trunc') cat \"$S/containers\" 2>/dev/null ;;",
                "  'ps --quiet') cat \"$S/running\" 2>/dev/null ;;",
                "  'inspect --format {{.Image}} '*) shift 3; for c; do cat \"$S/image-of-$c\"; done ;;",
                "  'images --quiet --no-trunc') cat \"$S/images\" ;;",
                "  'image inspect '*) cat \"$S/tags-${*: -1}\" 2>/dev/null ;;",
                "  'rmi '*) id=${*: -1}; grep -vx \"$id\" \"$S/images\" >\"$S/images.new\"; cat \"$S/images.new\" >\"$S/images\" ;;",
                "esac", ""));
        fake("df", "echo Use%; echo \" $(cat \"$S/percent\")%\"\n");
        fake("curl", "[ -f \"$S/metrics\" ] || exit 7\ncat \"$S/metrics\"\n");
    }

    @Test
    void theRunnerAndTheWorkerWriteTheSameScriptsAndUnits() {
        String runner = runnerUserData();
        // the worker's user data as the instance unpacks it
        String worker = dev.vending.testing.CfnEvaluator.userDataScript(java.util.Base64.getEncoder().encodeToString(
                AutoscalerScripts.worker("ec2-user", "/run/vending-worker-ready").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        for (String path : List.of(STORAGE_PATH, PRUNE_PATH, "/usr/local/sbin/vending-imds-firewall")) {
            assertEquals(heredoc(runner, path), heredoc(worker, path), path);
        }
        for (String script : List.of(runner, worker)) {
            // the store is mounted before Docker's first start and at every boot before Docker
            int storage = script.indexOf("systemctl start vending-docker-storage.service");
            assertTrue(storage > 0 && storage < script.lastIndexOf("systemctl enable --now docker"));
            assertTrue(script.indexOf("docker_disk\n") < script.lastIndexOf("systemctl enable --now docker"));
            assertTrue(script.contains("Before=docker.service\n"));
            assertTrue(script.contains("ExecStart=/usr/local/sbin/vending-docker-storage /var/lib/docker\n"));
            assertTrue(script.contains("[Install]\nWantedBy=docker.service\n"), "enabled as a dependency of Docker: every boot");
            assertTrue(script.contains("[Timer]\nOnBootSec=1h\nOnUnitActiveSec=1h\n"), "pruned hourly");
            assertTrue(script.contains("ExecStart=/usr/local/sbin/vending-docker-prune 80 /var/lib/vending/docker-unused-images\n"));
            assertTrue(script.contains("systemctl enable vending-docker-storage.service vending-docker-prune.timer\n"));
        }
        assertTrue(runner.contains("\nif [ \"$VENDING_EXECUTOR\" = docker ]; then\nneed docker\ndocker_disk\nsystemctl enable --now docker\nelse\n"),
                "runners set up Docker's disk only with the docker executor (shell runners and the manager have no Docker)");
    }

    @Test
    void noInstanceStoreLeavesDockerOnTheRootVolume() throws Exception {
        devices("/dev/nvme0n1 " + EBS, "/dev/nvme1n1 " + EBS);
        String out = storage();
        assertTrue(out.contains("no instance store"), out);
        assertEquals(List.of("lsblk --nodeps --noheadings --paths --output NAME,MODEL"), calls());
    }

    @Test
    void oneStoreDeviceIsFoundByItsModelNotItsIndexFormattedOnceAndMountedAtEveryBoot() throws Exception {
        // the store enumerated before the root volume: its index says nothing
        devices("/dev/nvme0n1 " + STORE, "/dev/nvme1n1 " + EBS);
        storage();
        assertEquals(List.of("mkfs.xfs -q -K -L vending-data /dev/nvme0n1", "mount -o noatime /dev/nvme0n1 " + docker()),
                calls("mkfs.xfs", "mount", "mdadm", "dnf"));
        assertTrue(Files.isDirectory(Path.of(docker())));

        // the unit runs again while mounted (a restart of Docker pulls it in): nothing
        Files.writeString(log, "");
        storage();
        assertEquals(List.of(), calls("lsblk", "mkfs.xfs", "mount"));

        // reboot: the filesystem is still there, so it is mounted, not made again
        Files.delete(state.resolve("mounted"));
        Files.writeString(log, "");
        storage();
        assertEquals(List.of("mount -o noatime /dev/nvme0n1 " + docker()), calls("mkfs.xfs", "mount"));

        // stop and start: the store is blank (and may come back under another name), so it is made again
        Files.delete(state.resolve("mounted"));
        Files.delete(state.resolve("fs"));
        devices("/dev/nvme0n1 " + EBS, "/dev/nvme1n1 " + STORE);
        Files.writeString(log, "");
        storage();
        assertEquals(List.of("mkfs.xfs -q -K -L vending-data /dev/nvme1n1", "mount -o noatime /dev/nvme1n1 " + docker()),
                calls("mkfs.xfs", "mount"));
    }

    @Test
    void severalStoreDevicesBecomeOneRaid0Array() throws Exception {
        Files.delete(bin.resolve("mdadm"));
        devices("/dev/nvme0n1 " + EBS, "/dev/nvme1n1 " + STORE, "/dev/nvme2n1 " + STORE);
        storage();
        assertEquals(List.of("dnf install -y -q mdadm", "mdadm --assemble --scan",
                "mdadm --create /dev/md/vending-data --run --level=0 --raid-devices=2 /dev/nvme1n1 /dev/nvme2n1",
                "mkfs.xfs -q -K -L vending-data /dev/md/vending-data", "mount -o noatime /dev/md/vending-data " + docker()),
                calls("dnf", "mdadm", "mkfs.xfs", "mount"));

        // reboot: udev has assembled the array again; its filesystem is mounted as it is
        Files.delete(state.resolve("mounted"));
        Files.writeString(state.resolve("fs"), "/dev/md127\n");
        Files.writeString(log, "");
        storage();
        assertEquals(List.of("mount -o noatime /dev/md127 " + docker()), calls("dnf", "mdadm", "mkfs.xfs", "mount"));
    }

    @Test
    void pruneTakesNothingARunningJobUsesAndImagesOnlyOnceUnusedForAWholeRun() throws Exception {
        Files.writeString(state.resolve("percent"), "40");
        containers(Map.of("c1", "sha256:aaa"));
        Files.writeString(state.resolve("images"), "sha256:aaa\nsha256:bbb\nsha256:ccc\n");
        Files.writeString(state.resolve("tags-sha256:bbb"), "node:20 node:lts\n");
        prune();
        assertEquals(List.of("docker container prune --force --filter until=24h", "docker network prune --force --filter until=24h",
                "docker builder prune --all --force --filter until=24h"), calls("docker container", "docker network", "docker builder"));
        assertEquals(List.of(), calls("docker rmi"), "an image unused for the first time stays");

        // an hour later: ccc is now used by a job's container, ddd was just pulled (no container yet)
        containers(Map.of("c1", "sha256:aaa", "c2", "sha256:ccc"));
        Files.writeString(state.resolve("images"), "sha256:aaa\nsha256:bbb\nsha256:ccc\nsha256:ddd\n");
        Files.writeString(log, "");
        String out = prune();
        assertEquals(List.of("docker rmi node:20 node:lts sha256:bbb"), calls("docker rmi"), "only bbb, unused at both runs");
        assertTrue(out.contains("removed image sha256:bbb"), out);
        assertEquals(List.of(), calls("docker volume"), "volumes stay while the disk has room");
        String candidates = Files.readString(dir.resolve("unused"));
        assertTrue(candidates.contains("sha256:ddd\n") && !candidates.contains("ccc"), "ddd is a candidate for the next run, ccc is not: " + candidates);
    }

    @Test
    void volumesGoOnlyWhenTheDiskIsFullAndNoJobRuns() throws Exception {
        Files.writeString(state.resolve("images"), "");
        Files.writeString(state.resolve("percent"), "85");
        // a docker runner: the runner's own job count decides (a job between two containers is still running)
        Files.writeString(state.resolve("metrics"), "# TYPE gitlab_runner_jobs gauge\n"
                + "gitlab_runner_jobs{executor_stage=\"step_script\",runner=\"abc\",stage=\"build\",state=\"running\"} 1\n");
        String out = prune();
        assertEquals(List.of(), calls("docker volume"), out);
        assertTrue(out.contains("jobs are running"), out);
        Files.writeString(state.resolve("metrics"), "gitlab_runner_jobs{runner=\"abc\",state=\"running\"} 0\n");
        Files.writeString(log, "");
        prune();
        assertEquals(List.of("docker volume prune --all --force"), calls("docker volume"));
        assertEquals(List.of("docker builder prune --all --force --filter until=24h", "docker builder prune --all --force"),
                calls("docker builder"));

        // a worker (no runner here): any running container counts as a job
        Files.delete(state.resolve("metrics"));
        Files.writeString(state.resolve("running"), "c9\n");
        Files.writeString(log, "");
        prune();
        assertEquals(List.of(), calls("docker volume"));
        Files.writeString(state.resolve("running"), "");
        Files.writeString(log, "");
        prune();
        assertEquals(List.of("docker volume prune --all --force"), calls("docker volume"));
    }

    @Test
    void pruneWaitsForDocker() throws Exception {
        Files.writeString(state.resolve("docker-down"), "");
        assertTrue(prune().contains("Docker is not running"));
        assertEquals(List.of("docker info"), calls());
    }

    private static String runnerUserData() {
        return BootstrapValues.render(FleetSpec.builder().executor(Executor.DOCKER).build()).body();
    }

    private String storage() throws Exception {
        return script(STORAGE_PATH, docker());
    }

    private String prune() throws Exception {
        return script(PRUNE_PATH, "80", dir.resolve("unused").toString());
    }

    private String docker() {
        return dir.resolve("var-lib-docker").toString();
    }

    /** Runs the script the rendered runner user data writes to {@code path}, with the fakes only. */
    private String script(String path, String... args) throws Exception {
        Path file = dir.resolve(path.substring(path.lastIndexOf('/') + 1));
        Files.writeString(file, heredoc(runnerUserData(), path));
        List<String> cmd = new java.util.ArrayList<>(List.of(bin.resolve("bash").toString(), file.toString()));
        cmd.addAll(List.of(args));
        return run(cmd, Map.of("PATH", bin.toString(), "S", state.toString(), "LOG", log.toString()));
    }

    private void devices(String... lines) throws IOException {
        Files.writeString(state.resolve("lsblk"), String.join("\n", lines) + "\n");
    }

    private void containers(Map<String, String> imageOf) throws IOException {
        Files.writeString(state.resolve("containers"), String.join("\n", new java.util.TreeSet<>(imageOf.keySet())) + "\n");
        for (Map.Entry<String, String> c : imageOf.entrySet()) {
            Files.writeString(state.resolve("image-of-" + c.getKey()), c.getValue() + "\n");
        }
    }

    private List<String> calls(String... prefixes) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log).stream()
                .filter(l -> prefixes.length == 0 || java.util.Arrays.stream(prefixes).anyMatch(l::startsWith))
                .filter(l -> !l.startsWith("udevadm") && !l.startsWith("blkid"))
                .toList();
    }

    private void fake(String name, String body) throws IOException {
        Path f = bin.resolve(name);
        Files.writeString(f, "#!" + bin.resolve("bash") + "\n" + body);
        f.toFile().setExecutable(true);
    }

    /** The file a rendered script writes with {@code cat >PATH <<'VENDING_EOF'}. */
    static String heredoc(String script, String path) {
        String open = "cat >" + path + " <<'VENDING_EOF'\n";
        int at = script.indexOf(open);
        assertTrue(at >= 0, "the script writes " + path);
        return script.substring(at + open.length(), script.indexOf("\nVENDING_EOF\n", at) + 1);
    }

    private static String run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (!env.isEmpty()) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), cmd + ":\n" + out);
        return out;
    }
}
