<powershell>
# vending runner bootstrap for Windows Server 2022 (docs/lifecycle.md); no runner token here: it is read at boot.
$VendingFleet = @@FLEET_NAME@@
$VendingExecutor = @@EXECUTOR@@
$VendingConcurrency = @@CONCURRENCY@@
$VendingRunnerVersion = @@RUNNER_VERSION@@
$VendingArch = @@ARCH@@
$VendingUserTags = @@USER_TAGS@@
$VendingFixedTags = @@FIXED_TAGS@@
$VendingCache = @@CACHE@@
$VendingDrainLimit = @@DRAIN_LIMIT@@
$VendingJobsImds = @@JOBS_IMDS@@
$VendingGitLabUrl = '${GitLabUrl}'
$VendingTokenSource = '${TokenSource}'
$VendingRegion = '${AWS::Region}'
$VendingStack = '${AWS::StackName}'
$VendingAsg = '${AsgName}'
$VendingLaunchHook = '${LaunchHookName}'
$VendingTerminateHook = '${TerminateHookName}'
$VendingSignalResource = '${SignalResource}'
$VendingCacheBucket = '${CacheBucket}'
$VendingLogGroup = '${LogGroup}'
# ---- body: static, identical for every fleet ----
