# vending termination watcher for Windows (scheduled task vending-watcher). See docs/lifecycle.md.
# Polls only the instance metadata service. When Auto Scaling terminates the instance (target-lifecycle-state
# Terminated) or a Spot interruption is announced (spot/instance-action), it waits for running jobs (the
# runner's own metrics on 127.0.0.1:9252) while heartbeating the terminating lifecycle action, up to a limit,
# then stops the runner, unregisters this machine and completes the lifecycle action with CONTINUE.
# Windows has no graceful runner stop (no SIGQUIT), so jobs are waited for before the service stops.
# Nor can the runner be told to abort jobs and report them, as SIGTERM does on Linux: a service stop is
# always the graceful one (gitlab-runner commands/multi.go Stop) and a service has no console for a second
# signal. Jobs still running at the limit are cut with the instance; GitLab fails them as stuck later.
$ErrorActionPreference = 'Stop'
$Data = 'C:\ProgramData\vending'
$cfg = Get-Content -Raw "$Data\watcher.json" | ConvertFrom-Json
function Setting([string]$Name, $Default) { $v = [Environment]::GetEnvironmentVariable($Name); if ($v) { [double]$v } else { [double]$Default } }
$imdsUrl = if ($env:VENDING_IMDS_URL) { $env:VENDING_IMDS_URL } else { 'http://169.254.169.254' }
$poll = Setting 'VENDING_POLL_SECONDS' 5
$beat = Setting 'VENDING_HEARTBEAT_SECONDS' 120
$limit = Setting 'VENDING_DRAIN_LIMIT_SECONDS' $cfg.drainLimit
$margin = Setting 'VENDING_SPOT_MARGIN_SECONDS' 15
function Log([string]$m) { Add-Content -Path "$Data\watcher.log" -Value ('{0} vending-watcher: {1}' -f [DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ssZ'), $m) }

$script:token = $null
function Imds([string]$Path) { # body, or $null on 404
  if (-not $script:token) {
    $script:token = Invoke-RestMethod -Method Put -Uri "$imdsUrl/latest/api/token" -TimeoutSec 2 -Headers @{ 'X-aws-ec2-metadata-token-ttl-seconds' = '21600' }
  }
  try { Invoke-RestMethod -Uri "$imdsUrl/latest/meta-data/$Path" -TimeoutSec 2 -Headers @{ 'X-aws-ec2-metadata-token' = $script:token } }
  catch [System.Net.WebException] {
    $code = if ($_.Exception.Response) { [int]$_.Exception.Response.StatusCode } else { 0 }
    if ($code -eq 401) { $script:token = $null }
    if ($code -ne 404) { Log "IMDS $Path failed ($($_.Exception.Message))" }
    $null
  }
}
function RunningJobs {
  try {
    $m = (Invoke-WebRequest -UseBasicParsing -Uri 'http://127.0.0.1:9252/metrics' -TimeoutSec 5).Content
    $sum = 0
    foreach ($l in ($m -split "`n")) { if ($l -match '^gitlab_runner_jobs\{.*\} ([0-9.e+]+)$') { $sum += [double]$Matches[1] } }
    [int]$sum
  } catch { 0 } # no metrics: the runner is not running
}
function Asg([string]$What) {
  $a = @{ Region = $cfg.region; AutoScalingGroupName = $cfg.asg; LifecycleHookName = $cfg.hook; InstanceId = $instanceId }
  try {
    if ($What -eq 'heartbeat') { Write-ASLifecycleActionHeartbeat @a } else { Complete-ASLifecycleAction @a -LifecycleActionResult CONTINUE }
    $true
  } catch { Log "$What failed: $($_.Exception.Message)"; $false }
}

while (-not ($instanceId = try { Imds 'instance-id' } catch { $null })) { Start-Sleep -Seconds $poll }
Log "watching $instanceId (ASG $($cfg.asg)): target-lifecycle-state and spot/instance-action every ${poll}s"
$draining = $false; $lifecycle = $false; $unregistered = $false
$deadline = [DateTime]::MaxValue; $lastBeat = [DateTime]::UtcNow
while ($true) {
  $state = try { Imds 'autoscaling/target-lifecycle-state' } catch { $null }
  $spot = try { Imds 'spot/instance-action' } catch { $null }
  if ($spot -and -not $draining) {
    Log "Spot interruption notice: $($spot | ConvertTo-Json -Compress)"
    $draining = $true
    $deadline = try { ([DateTime]$spot.time).ToUniversalTime().AddSeconds(-$margin) } catch { [DateTime]::UtcNow.AddSeconds(120 - $margin) }
  }
  if ($state -eq 'Terminated' -and -not $lifecycle) {
    Log 'Auto Scaling is terminating this instance (target-lifecycle-state Terminated)'
    $lifecycle = $true; $lastBeat = [DateTime]::UtcNow
    if (-not $draining) { $draining = $true; $deadline = [DateTime]::UtcNow.AddSeconds($limit) }
  }
  if ($draining -and -not $unregistered) {
    $jobs = RunningJobs
    if ($jobs -eq 0 -or [DateTime]::UtcNow -ge $deadline) {
      if ($jobs -gt 0) { Log "drain limit reached with $jobs job(s) running; stopping anyway (on Windows the runner cannot abort and report them: GitLab fails them as stuck later)" }
      & $cfg.exe stop
      & $cfg.exe unregister --config $cfg.config --all-runners
      if ($LASTEXITCODE -ne 0) { Log 'unregister failed; GitLab removes the stale runner manager later' }
      $unregistered = $true
      Log 'runner stopped and unregistered'
    } elseif ($lifecycle -and ([DateTime]::UtcNow - $lastBeat).TotalSeconds -ge $beat) {
      $lastBeat = [DateTime]::UtcNow
      Log "$jobs job(s) still running: heartbeat for the terminating lifecycle action"
      Asg 'heartbeat' | Out-Null
    }
  }
  if ($unregistered -and $lifecycle) {
    foreach ($i in 1..5) { if (Asg 'complete') { Log 'lifecycle action completed (CONTINUE)'; exit 0 }; Start-Sleep -Seconds $i }
    exit 1
  }
  Start-Sleep -Milliseconds ([int]($poll * 1000))
}
