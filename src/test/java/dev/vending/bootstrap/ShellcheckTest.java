package dev.vending.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.vending.cfn.TemplateFormat;
import dev.vending.fleet.Arch;
import dev.vending.fleet.BootstrapValues;
import dev.vending.fleet.Executor;
import dev.vending.fleet.FleetTemplate;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.OperatingSystem;
import dev.vending.testing.CfnEvaluator;

/** shellcheck on every rendered Linux user data script and on the scripts the bootstrap installs. */
@Tag("slow")
class ShellcheckTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void needShellcheck() throws InterruptedException {
        boolean present;
        try {
            Process p = new ProcessBuilder("shellcheck", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            present = false;
        }
        if (!present && "true".equals(System.getenv("CI"))) {
            fail("shellcheck is required on CI (apt-get install -y shellcheck)");
        }
        assumeTrue(present, "shellcheck is not installed (apt-get install -y shellcheck); skipping shell script checks");
    }

    static Stream<Arguments> scripts() {
        List<Arguments> all = new ArrayList<>();
        for (FleetSpec spec : Scripts.allShapes()) {
            if (spec.os() == OperatingSystem.LINUX) {
                all.add(Arguments.of("user data " + Scripts.describe(spec), BootstrapValues.render(spec).resolve(Scripts.runtime(spec))));
            }
        }
        // docker-autoscaler: the manager's whole user data and the workers', as CloudFormation renders them
        for (Arch arch : Arch.values()) {
            FleetSpec spec = FleetSpec.builder().executor(Executor.DOCKER_AUTOSCALER).arch(arch).idleCount(2)
                    .scheduleStart("0 8 * * 1-5").scheduleStop("0 18 * * 1-5").timeZone("Europe/Berlin").build();
            CfnEvaluator.Evaluated e = CfnEvaluator.fromYaml(TemplateFormat.YAML.render(FleetTemplate.build(spec)))
                    .parameter("VpcId", "vpc-1").parameter("SubnetIds", "subnet-1").parameter("RunnerToken", "glrt-x").evaluate();
            for (String lt : List.of("RunnerLaunchTemplate", "WorkerLaunchTemplate")) {
                Object userData = ((java.util.Map<?, ?>) e.properties(lt).get("LaunchTemplateData")).get("UserData");
                all.add(Arguments.of("docker-autoscaler " + arch.awsName() + " " + lt, CfnEvaluator.userDataScript(userData)));
            }
            all.add(Arguments.of("docker-autoscaler " + arch.awsName() + " manager setup (SSM parameter)",
                    "#!/bin/bash\n" + e.properties("ManagerSetup").get("Value") + "\nvending_manager_setup\n"));
            // the script that setup writes (a heredoc is data to shellcheck)
            String setup = (String) e.properties("ManagerSetup").get("Value");
            String start = "cat >/usr/local/sbin/vending-await-previous-manager <<'VENDING_EOF'\n";
            int from = setup.indexOf(start) + start.length();
            all.add(Arguments.of("docker-autoscaler " + arch.awsName() + " vending-await-previous-manager",
                    setup.substring(from, setup.indexOf("\nVENDING_EOF\n", from) + 1)));
        }
        all.add(Arguments.of("linux-watcher.sh", Bootstrap.resource("linux-watcher.sh")));
        all.add(Arguments.of("linux-unregister-on-shutdown.sh", Bootstrap.resource("linux-unregister-on-shutdown.sh")));
        all.add(Arguments.of("linux-docker-storage.sh", Bootstrap.resource("linux-docker-storage.sh")));
        all.add(Arguments.of("linux-docker-prune.sh", Bootstrap.resource("linux-docker-prune.sh")));
        // the project's own scripts: the launcher, the CI scripts, benchmarks and test tools
        Path project = Path.of(System.getProperty("vending.project.dir", "."));
        List<String> own = new ArrayList<>(List.of("vending", "run-tests", ".ci/run", ".ci/package"));
        for (String dir : List.of("src/bench", "src/test/tools")) {
            try (Stream<Path> files = Files.list(project.resolve(dir))) {
                files.map(f -> dir + "/" + f.getFileName()).filter(f -> f.endsWith(".sh")).sorted().forEach(own::add);
            } catch (java.nio.file.NoSuchFileException e) {
                // directory not there: nothing to check
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        for (String name : own) {
            try {
                all.add(Arguments.of(name, Files.readString(project.resolve(name), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void passesShellcheck(String name, String script) throws IOException, InterruptedException {
        Path file = Files.createTempFile(dir, "script", ".sh");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("shellcheck", "--shell=bash", "--severity=style", "--external-sources", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("shellcheck timed out on " + name);
        }
        assertEquals(0, p.exitValue(), name + ":\n" + out);
    }
}
