$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
$Root = 'C:\GitLab-Runner'
$Exe = "$Root\gitlab-runner.exe"
$ConfigDir = "$Root\config"
$Config = "$ConfigDir\config.toml"
$Work = "$Root\work"
$Data = 'C:\ProgramData\vending'
New-Item -ItemType Directory -Force -Path $Root, $ConfigDir, $Work, $Data | Out-Null
# SYSTEM and Administrators only (C:\ lets Authenticated Users modify new folders by inheritance):
# the watcher runs gitlab-runner.exe and its own script as SYSTEM, so no job may replace them.
foreach ($dir in @($Root, $Data)) {
  & icacls.exe $dir /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' | Out-Null
  if ($LASTEXITCODE -ne 0) { throw "icacls $dir failed" }
}
$Log = "$Data\bootstrap.log"
function Log([string]$Message) {
  $line = '{0} vending: {1}' -f [DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ssZ'), $Message
  Add-Content -Path $Log -Value $line
  Write-Output $line
}
function Fail([string]$Message) { throw [System.Exception]::new($Message) }
function Lifecycle([string]$Result) {
  try {
    Complete-ASLifecycleAction -Region $VendingRegion -AutoScalingGroupName $VendingAsg -LifecycleHookName $VendingLaunchHook `
      -InstanceId $InstanceId -LifecycleActionResult $Result
  } catch { Log "could not complete the launch lifecycle action ($Result): $($_.Exception.Message)" }
}
# Stack creation and each rolling-update batch wait for one signal per new instance (docs/lifecycle.md).
# Outside those (scale-out, schedules, replacements) CloudFormation refuses the signal: logged, harmless.
function Signal([string]$Status) {
  try {
    Send-CFNResourceSignal -Region $VendingRegion -StackName $VendingStack -LogicalResourceId $VendingSignalResource `
      -UniqueId $InstanceId -Status $Status
  } catch { Log "CloudFormation did not take the $Status signal (no stack operation waiting for it?): $($_.Exception.Message)" }
}
# One FAILURE signal fails the whole stack operation at once, so one bad instance only abandons its launch and
# the group replaces it. Systematic (stop the deploy): this and at least two more failed bootstraps in the fleet's
# log group since the current stack operation began (at most an hour back), no runner registered since, and this
# instance runs the group's current launch template version (not one a rollback leaves behind): docs/lifecycle.md.
# Unknown is not systematic.
function Test-Systematic {
  try {
    $since = [DateTimeOffset]::UtcNow.AddHours(-1).ToUnixTimeMilliseconds()
    $stack = Get-CFNStack -Region $VendingRegion -StackName $VendingStack
    $began = $stack.LastUpdatedTime
    if (-not $began -or $began.Year -lt 2000) { $began = $stack.CreationTime } # never updated
    $began = ([DateTimeOffset]$began).ToUnixTimeMilliseconds()
    if ($began -gt $since) { $since = $began }
    $group = Get-ASAutoScalingGroup -Region $VendingRegion -AutoScalingGroupName $VendingAsg
    $mine = ($group.Instances | Where-Object InstanceId -eq $InstanceId).LaunchTemplate.Version
    $current = $group.MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.Version
    if (-not $mine -or $mine -ne $current) { Log "launch template version $mine, the group's $current"; return $false }
    $failed = Measure-Logged $since '"bootstrap FAILED"'
    $registered = Measure-Logged $since '"registered (concurrency"'
  } catch { Log "could not count the fleet's failed bootstraps: $($_.Exception.Message)"; return $false }
  Log "since the stack operation began: $failed failed bootstraps, $registered registered"
  if ($failed -ge 3 -and $registered -eq 0) { Log 'systematic failure: signalling FAILURE to CloudFormation'; return $true }
  $false
}
# Every page: FilterLogEvents pages may be partial or empty before the last (its NextToken says whether more follow).
function Measure-Logged([long]$Since, [string]$Pattern) {
  $n = 0
  $token = $null
  do {
    $page = Get-CWLFilteredLogEvent -Region $VendingRegion -LogGroupName $VendingLogGroup -StartTime $Since `
      -FilterPattern $Pattern -NextToken $token -Select '*'
    $n += @($page.Events).Count
    $token = $page.NextToken
  } while ($token)
  $n
}
function Download([string]$Url, [string]$File) {
  try { Invoke-WebRequest -UseBasicParsing -Uri $Url -OutFile $File -TimeoutSec 300 }
  catch { Fail "cannot download $Url ($($_.Exception.Message))" }
}

$InstanceId = $null
$LogsShipped = $false
try {
  $imdsToken = Invoke-RestMethod -Method Put -Uri 'http://169.254.169.254/latest/api/token' -TimeoutSec 5 `
    -Headers @{ 'X-aws-ec2-metadata-token-ttl-seconds' = '21600' }
  function Imds([string]$Path) {
    Invoke-RestMethod -Uri "http://169.254.169.254/latest/$Path" -TimeoutSec 5 -Headers @{ 'X-aws-ec2-metadata-token' = $imdsToken }
  }
  $InstanceId = Imds 'meta-data/instance-id'
  $AccountId = (Imds 'dynamic/instance-identity/document').accountId
  try { $Purchase = Imds 'meta-data/instance-life-cycle' } catch { $Purchase = 'on-demand' }
  $ComputeType = if ($Purchase -eq 'spot') { 'computetype-spot' } else { 'computetype-ondemand' }
  $RunnerName = "$InstanceId-in-$AccountId-at-$VendingRegion"
  $Tags = "$ComputeType,$VendingFixedTags"
  if ($VendingUserTags) { $Tags = "$Tags,$VendingUserTags" }
  Log "bootstrapping $RunnerName (stack $VendingStack, fleet $VendingFleet, $VendingExecutor executor, $Purchase)"

  # Logs first, so that any later failure is readable in CloudWatch Logs.
  $cwCtl = 'C:\Program Files\Amazon\AmazonCloudWatchAgent\amazon-cloudwatch-agent-ctl.ps1'
  if (Test-Path $cwCtl) {
    Log 'the CloudWatch agent is already installed (image): not downloading it'
  } else {
    $cwUrl = 'https://amazoncloudwatch-agent.s3.amazonaws.com/windows/amd64/latest/amazon-cloudwatch-agent.msi'
    Download $cwUrl "$Data\amazon-cloudwatch-agent.msi"
    $p = Start-Process msiexec.exe -ArgumentList '/i', "$Data\amazon-cloudwatch-agent.msi", '/qn' -Wait -PassThru
    if ($p.ExitCode -ne 0) { Fail "installing the CloudWatch agent failed (msiexec $($p.ExitCode))" }
  }
  $stream = { param($file, $name) @{ file_path = $file; log_group_name = $VendingLogGroup; log_stream_name = "{instance_id}/$name" } }
  $cw = @{ logs = @{ logs_collected = @{
        files = @{ collect_list = @((& $stream $Log 'bootstrap'), (& $stream "$Data\watcher.log" 'watcher')) }
        windows_events = @{ collect_list = @(@{ event_name = 'Application'; event_levels = @('INFORMATION', 'WARNING', 'ERROR')
              event_format = 'text'; log_group_name = $VendingLogGroup; log_stream_name = '{instance_id}/runner' }) } } } }
  $cw | ConvertTo-Json -Depth 8 | Set-Content -Encoding ASCII "$Data\cloudwatch.json"
  & $cwCtl -a fetch-config -m ec2 -s -c "file:$Data\cloudwatch.json" | Out-Null
  $LogsShipped = $true
  Log "shipping logs to CloudWatch Logs group $VendingLogGroup, streams $InstanceId/{bootstrap,runner,watcher}"
  # The launch template tags what every runner has; this instance's EC2 tag says its own (computetype from IMDS).
  try { New-EC2Tag -Region $VendingRegion -Resource $InstanceId -Tag @{ Key = 'vending:runner-tags'; Value = $Tags } }
  catch { Log "could not tag $InstanceId ($($_.Exception.Message))" }

  foreach ($url in @($VendingGitLabUrl, 'https://gitlab-runner-downloads.s3.amazonaws.com', 'https://github.com')) {
    try { Invoke-WebRequest -UseBasicParsing -Method Head -Uri $url -TimeoutSec 20 | Out-Null }
    catch [System.Net.WebException] {
      if ($null -eq $_.Exception.Response) { Fail "cannot reach $url (check the subnet's route to the internet or NAT, and security group egress)" }
    }
  }

  # Git for Windows: the shell executor clones with it. A pre-baked image (--image-id) may have it already.
  $gitCmd = 'C:\Program Files\Git\cmd'
  if (Test-Path "$gitCmd\git.exe") {
    Log 'Git for Windows is already installed (image): not downloading it'
  } else {
    $gitVersion = '2.50.1'
    Download "https://github.com/git-for-windows/git/releases/download/v$gitVersion.windows.1/Git-$gitVersion-64-bit.exe" "$Data\git.exe"
    $p = Start-Process "$Data\git.exe" -ArgumentList '/VERYSILENT', '/NORESTART', '/NOCANCEL', '/SP-', '/SUPPRESSMSGBOXES' -Wait -PassThru
    if ($p.ExitCode -ne 0) { Fail "installing Git for Windows failed (exit $($p.ExitCode))" }
  }
  $machinePath = [Environment]::GetEnvironmentVariable('Path', 'Machine')
  if (($machinePath -split ';') -notcontains $gitCmd) { $machinePath = "$machinePath;$gitCmd" }
  [Environment]::SetEnvironmentVariable('Path', $machinePath, 'Machine')
  $env:Path = "$env:Path;$gitCmd"

  # An image's gitlab-runner is kept when it is the requested version (or any version for "latest").
  $have = $null
  if ((Test-Path $Exe) -and ((& $Exe --version | Out-String) -match 'Version:\s*(\S+)')) { $have = $Matches[1] }
  if ($have -and ($VendingRunnerVersion -eq 'latest' -or $have -eq $VendingRunnerVersion)) {
    Log "gitlab-runner $have is already installed (image): not downloading it"
  } else {
    $rel = if ($VendingRunnerVersion -eq 'latest') { 'latest' } else { "v$VendingRunnerVersion" }
    Download "https://gitlab-runner-downloads.s3.amazonaws.com/$rel/binaries/gitlab-runner-windows-$VendingArch.exe" $Exe
  }
  Log "installed $((& $Exe --version) | Select-Object -First 1)"

  # The token never touches disk or a command line: a variable, handed over in the environment.
  try {
    $token = switch -Wildcard ($VendingTokenSource) {
      'ssm:*' { (Get-SSMParameter -Region $VendingRegion -Name $VendingTokenSource.Substring(4) -WithDecryption $true).Value }
      'secretsmanager:*' { (Get-SECSecretValue -Region $VendingRegion -SecretId $VendingTokenSource.Substring(15)).SecretString }
      default { throw 'unknown token source (expected ssm:NAME or secretsmanager:ARN)' }
    }
  } catch { Fail "cannot read the runner token from $VendingTokenSource ($($_.Exception.Message))" }
  if (-not $token) { Fail "the runner token from $VendingTokenSource is empty" }

  Set-Content -Encoding ASCII -Path $Config -Value "concurrent = $VendingConcurrency`r`nlisten_address = `"127.0.0.1:9252`""
  $reg = @('register', '--non-interactive', '--config', $Config, '--url', $VendingGitLabUrl, '--name', $RunnerName,
    '--executor', 'shell', '--shell', 'powershell')
  if ($VendingCache -eq 's3') {
    $reg += @('--cache-type', 's3', '--cache-shared', '--cache-s3-server-address', "s3.$VendingRegion.amazonaws.com",
      '--cache-s3-bucket-name', $VendingCacheBucket, '--cache-s3-bucket-location', $VendingRegion, '--cache-s3-authentication_type', 'iam')
  }
  if ($token.StartsWith('glrt-')) {
    Log 'registering with a runner authentication token (tags, locking and run-untagged are set in GitLab)'
    $env:CI_SERVER_TOKEN = $token
  } else {
    Log "registering with a legacy registration token, tags $Tags"
    $env:REGISTRATION_TOKEN = $token
    $reg += @('--tag-list', $Tags, '--run-untagged=false', '--locked=false')
  }
  & $Exe @reg
  $rc = $LASTEXITCODE
  Remove-Item -Path 'Env:CI_SERVER_TOKEN', 'Env:REGISTRATION_TOKEN' -ErrorAction SilentlyContinue
  $token = $null
  if ($rc -ne 0) { Fail "registration with $VendingGitLabUrl failed (exit $rc)" }
  $text = (Get-Content -Raw $Config) -replace '(?m)^concurrent = .*$', "concurrent = $VendingConcurrency"
  Set-Content -Encoding ASCII -Path $Config -Value $text
  $inst = @('install', '--working-directory', $Work, '--config', $Config)
  if ($VendingJobsImds -eq 'blocked') {
    # Shell jobs run as the runner service's account: not SYSTEM, but a local user without rights
    # whose traffic to the metadata addresses Windows Firewall blocks; the SYSTEM watcher keeps IMDS.
    $b = New-Object byte[] 32
    [Security.Cryptography.RandomNumberGenerator]::Create().GetBytes($b)
    $pw = [Convert]::ToBase64String($b) + 'a1!'
    $sec = ConvertTo-SecureString $pw -AsPlainText -Force
    $sid = (New-LocalUser -Name 'gitlab-runner' -Password $sec -PasswordNeverExpires -UserMayNotChangePassword).SID.Value
    # "Log on as a service", without which the service cannot start
    $inf = "$Data\rights.inf"
    & secedit.exe /export /cfg $inf /areas USER_RIGHTS | Out-Null
    $r = Get-Content $inf
    if ($r -match '^SeServiceLogonRight') { $r = $r -replace '^(SeServiceLogonRight = .*)$', "`$1,*$sid" }
    else { $r = $r -replace '^\[Privilege Rights\]$', "[Privilege Rights]`r`nSeServiceLogonRight = *$sid" }
    Set-Content -Encoding Unicode -Path $inf -Value $r
    & secedit.exe /configure /db "$Data\rights.sdb" /cfg $inf /areas USER_RIGHTS | Out-Null
    if ($LASTEXITCODE -ne 0) { Fail 'secedit failed' }
    New-NetFirewallRule -Name 'vending-no-imds' -DisplayName 'vending-no-imds' -Direction Outbound -Action Block `
      -RemoteAddress '169.254.169.254', 'fd00:ec2::254' -LocalUser "D:(A;;CC;;;$sid)" | Out-Null
    # run the binary; change only the configuration (the runner renews its token there) and the builds
    & icacls.exe $Root /grant "*${sid}:(OI)(CI)RX" | Out-Null
    foreach ($dir in @($ConfigDir, $Work)) { & icacls.exe $dir /grant "*${sid}:(OI)(CI)M" | Out-Null }
    $inst += @('--user', '.\gitlab-runner', '--password', $pw)
  } else { Log 'WARNING: jobs can use the instance role' }
  & $Exe @inst
  $pw = $null
  if ($LASTEXITCODE -ne 0) { Fail 'gitlab-runner install failed' }
  # Services take their environment from the Service Control Manager, which read the machine PATH at
  # boot, before Git was installed: give the service its own PATH so jobs find git in this boot too.
  New-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Services\gitlab-runner' -Name Environment -PropertyType MultiString `
    -Value @("PATH=$machinePath") -Force | Out-Null
  & $Exe start
  if ($LASTEXITCODE -ne 0) { Fail 'gitlab-runner start failed' }

  # Termination watcher (IMDS only): a SYSTEM scheduled task started at boot and now.
  @{ asg = $VendingAsg; hook = $VendingTerminateHook; region = $VendingRegion; drainLimit = $VendingDrainLimit; exe = $Exe; config = $Config } |
    ConvertTo-Json | Set-Content -Encoding ASCII "$Data\watcher.json"
  Set-Content -Encoding UTF8 -Path "$Data\watcher.ps1" -Value @'
@@INCLUDE:windows-watcher.ps1@@
'@
  $action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument "-NoProfile -ExecutionPolicy Bypass -File $Data\watcher.ps1"
  $settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit ([TimeSpan]::Zero) -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1)
  Register-ScheduledTask -TaskName 'vending-watcher' -Action $action -Trigger (New-ScheduledTaskTrigger -AtStartup) `
    -Principal (New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest) -Settings $settings -Force | Out-Null
  Start-ScheduledTask -TaskName 'vending-watcher'
  & $Exe verify --config $Config | Out-Null

  Log "runner $RunnerName registered (concurrency $VendingConcurrency); ready: completing the launch lifecycle action"
  Lifecycle 'CONTINUE'
  Signal 'SUCCESS'
} catch {
  Log "bootstrap FAILED: $($_.Exception.Message) (line $($_.InvocationInfo.ScriptLineNumber)); abandoning the launch so Auto Scaling replaces this instance"
  if ($LogsShipped) { Start-Sleep -Seconds 15 }
  if ($InstanceId) {
    Lifecycle 'ABANDON'
    if (Test-Systematic) { Signal 'FAILURE' }
  }
  exit 1
}
</powershell>
