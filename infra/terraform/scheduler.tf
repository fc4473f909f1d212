# Cloud Scheduler jobs: each calls one function over HTTP with an OIDC token of the scheduler
# invoker. A job whose function is not in the functions map yet is declared but not created,
# so it goes live the day that function's line is uncommented.

locals {
  schedules = {
    # Re-enqueues outbox documents stuck in pending or sending (a lost task, an expired one).
    sweep-outbox = { function = "sweep_outbox", schedule = "*/5 * * * *" }
    # Finds cases whose deadline passed and queues one send_nudge task per nudge.
    run-nudges = { function = "run_nudges", schedule = "*/15 * * * *" }
    # Hourly: the job sends the digests of each centre where it is now 07:00-07:59 on one of
    # its working days (its own time zone and public holidays), once per centre and day.
    send-digests = { function = "send_digests", schedule = "0 * * * *" }
    # The 1st of each month at 06:00 (var.time_zone): next month's forums and invitations.
    setup-monthly-forums = { function = "setup_monthly_forums", schedule = "0 6 1 * *" }
    # Every 15 minutes: reminders before forums; surveys after them and their reminders.
    run-forum-followups = { function = "run_forum_followups", schedule = "*/15 * * * *" }
    # Daily: the summaries of forums whose survey closed, and of their months (issue 11).
    compile-forum-summaries = { function = "compile_forum_summaries", schedule = "30 5 * * *" }
    # Daily at 08:00: principals who have not confirmed their charter 7 days after it was sent
    # are reminded, once per version (issue 12).
    remind-charters = { function = "remind_charters", schedule = "0 8 * * *" }
    # Daily at 03:00, when nobody is at work: POPIA retention (closed cases, forums' rows kept
    # record_retention_months are de-identified, the figures kept; issue 13).
    retain-records = { function = "retain_records", schedule = "0 3 * * *" }
  }

  live_schedules = {
    for name, job in local.schedules : name => job
    if contains(keys(local.deployed_functions), job.function)
  }
}

resource "google_cloud_scheduler_job" "job" {
  for_each = local.live_schedules

  name      = each.key
  region    = var.scheduler_region
  schedule  = each.value.schedule
  time_zone = var.time_zone
  # Wait as long as the function may run (Cloud Scheduler allows 15 s to 30 min).
  attempt_deadline = "${local.deployed_functions[each.value.function].timeout}s"

  # Every job is idempotent (a run repeated does nothing twice), so a failed run is retried
  # within its slot: the 07:00 digests cannot wait for the next hour.
  retry_config {
    retry_count          = 3
    min_backoff_duration = "30s"
  }

  # The function's public_base_url address, which is also the token's audience: the URL the
  # job checks its caller's token is for (Settings.url_for, as the tasks' tokens carry).
  http_target {
    http_method = "POST"
    uri         = "${local.public_base_url}/${each.value.function}"

    oidc_token {
      service_account_email = google_service_account.scheduler_invoker.email
      audience              = "${local.public_base_url}/${each.value.function}"
    }
  }

  depends_on = [google_project_service.api, google_cloudfunctions2_function.fn]
}
