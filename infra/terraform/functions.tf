# The deployed Cloud Functions (2nd gen): one per name in main.__all__, except the local-only
# ones. Keep this map, main.__all__ and the list in cloudbuild.yaml's deploy step in step:
# tests/unit/test_infra_files.py fails when they differ.
#
# public = true: anyone may call it (parents' browsers, Google Apps Script, Amazon SNS).
# public = false: only the `invoker` account may ("tasks" or "scheduler", see iam.tf).
# memory: Cloud Run units ("256Mi"); timeout: seconds.
locals {
  functions = {
    feedback_form      = { public = true, memory = "256Mi", timeout = 60 }
    submit_feedback    = { public = true, memory = "256Mi", timeout = 60 }
    intake_google_form = { public = true, memory = "256Mi", timeout = 60 }
    case_status        = { public = true, memory = "256Mi", timeout = 60 }
    deliver_email      = { public = false, memory = "256Mi", timeout = 180, invoker = "tasks" }
    sweep_outbox       = { public = false, memory = "256Mi", timeout = 300, invoker = "scheduler" }
    email_events       = { public = true, memory = "256Mi", timeout = 60 }
    unsubscribe        = { public = true, memory = "256Mi", timeout = 60 }
    privacy            = { public = true, memory = "256Mi", timeout = 60 }
    case_reply         = { public = true, memory = "256Mi", timeout = 60 }
    rate_case          = { public = true, memory = "256Mi", timeout = 60 }
    # A centre's public charter page; its PDFs are drawn in Python (fpdf2).
    charter     = { public = true, memory = "512Mi", timeout = 60 }
    case_action = { public = true, memory = "256Mi", timeout = 60 }
    # Public at the network level: they verify the caller's Google ID token themselves.
    admin        = { public = true, memory = "512Mi", timeout = 300 }
    admin_api    = { public = true, memory = "512Mi", timeout = 300 }
    run_nudges   = { public = false, memory = "256Mi", timeout = 300, invoker = "scheduler" }
    send_digests = { public = false, memory = "256Mi", timeout = 300, invoker = "scheduler" }
    send_nudge   = { public = false, memory = "256Mi", timeout = 60, invoker = "tasks" }
    send_digest  = { public = false, memory = "512Mi", timeout = 300, invoker = "tasks" }
    # Public: administrators call it too, so it verifies the scheduler's token in full itself.
    setup_monthly_forums = { public = true, memory = "512Mi", timeout = 300, invoker = "scheduler" }
    invite_to_forums     = { public = false, memory = "512Mi", timeout = 300, invoker = "tasks" }
    # Public at the network level: an administrator's Bearer token, verified by the function.
    import_attendance       = { public = true, memory = "512Mi", timeout = 300 }
    forum_survey            = { public = true, memory = "256Mi", timeout = 60 }
    run_forum_followups     = { public = false, memory = "256Mi", timeout = 300, invoker = "scheduler" }
    compile_forum_summaries = { public = false, memory = "512Mi", timeout = 300, invoker = "scheduler" }
    # Public at the network level: an administrator's Bearer token, verified by the function;
    # a browser (no token) is sent to admin?page=forum_report.
    forum_report         = { public = true, memory = "512Mi", timeout = 300 }
    send_forum_surveys   = { public = false, memory = "512Mi", timeout = 300, invoker = "tasks" }
    forums               = { public = true, memory = "256Mi", timeout = 60 }
    forum_registration   = { public = true, memory = "256Mi", timeout = 60 }
    send_forum_reminders = { public = false, memory = "512Mi", timeout = 300, invoker = "tasks" }
    tell_forum_change    = { public = false, memory = "512Mi", timeout = 300, invoker = "tasks" }
    # Public at the network level: an administrator's Bearer token, verified by the function.
    select_advisory_network = { public = true, memory = "512Mi", timeout = 300 }
    advisory_response       = { public = true, memory = "256Mi", timeout = 60 }
    send_advisory_notices   = { public = false, memory = "512Mi", timeout = 300, invoker = "tasks" }
    # Service charters. distribute_charters: an administrator's Bearer token, verified by the
    # function; send_charter renders nothing (the PDFs are rendered by deliver_email).
    distribute_charters = { public = true, memory = "512Mi", timeout = 300 }
    send_charter        = { public = false, memory = "512Mi", timeout = 60, invoker = "tasks" }
    confirm_charter     = { public = true, memory = "256Mi", timeout = 60 }
    remind_charters     = { public = false, memory = "512Mi", timeout = 300, invoker = "scheduler" }
    # POPIA retention, daily: a run stops after 240 s (services/privacy/retention.py) and the
    # next carries on, so 300 s is room enough whatever the backlog.
    retain_records = { public = false, memory = "512Mi", timeout = 300, invoker = "scheduler" }
  }

  # Served by `make run` only (dev_mailbox shows captured mail); never deployed.
  local_only_functions = ["dev_mailbox"]

  # The same map with every key present, so the resources below see one type.
  deployed_functions = {
    for name, fn in local.functions : name => {
      public  = fn.public
      memory  = fn.memory
      timeout = fn.timeout
      invoker = try(fn.invoker, null)
    }
  }

  # Every setting a deployed function gets, by environment variable (functions/config.py
  # reads each as the lower-case field). cloudbuild.yaml's env.yaml lists the same names;
  # tests/unit/test_infra_files.py checks both against Settings. Secrets are in secrets.tf.
  all_environment = {
    GOOGLE_CLOUD_PROJECT      = var.project_id
    PUBLIC_BASE_URL           = local.public_base_url
    NETWORK_NAME              = var.network_name
    NETWORK_CONTACT_EMAIL     = var.network_contact_email
    NETWORK_CONTACT_PHONE     = var.network_contact_phone
    INFORMATION_OFFICER       = var.information_officer
    INFORMATION_OFFICER_EMAIL = var.information_officer_email
    ALLOWED_ORIGINS           = jsonencode(var.allowed_origins)

    MAIL_TRANSPORT          = var.mail_transport
    MAIL_FROM               = var.mail_from
    MAIL_REPLY_TO           = var.mail_reply_to
    SES_REGION              = var.ses_region
    SES_CONFIGURATION_SET   = var.ses_configuration_set
    SMTP_HOST               = var.smtp_host
    SMTP_PORT               = tostring(var.smtp_port)
    SMTP_USERNAME           = var.smtp_username
    OUTBOX_RETENTION_DAYS   = tostring(var.outbox_retention_days)
    RECORD_RETENTION_MONTHS = tostring(var.record_retention_months)
    # Read by email_events itself (comma-separated), not through Settings.
    SNS_TOPIC_ARNS = join(",", var.sns_topic_arns)

    # Where the backend queues deliveries, and whose OIDC token each task carries to
    # deliver_email (the backend may act as that account: tasks.tf).
    TASKS_LOCATION = google_cloud_tasks_queue.queue["deferred"].location
    TASK_QUEUE     = google_cloud_tasks_queue.queue["deferred"].name
    # Spelled out, not .email, so it is known at plan time (the filter below needs that).
    TASKS_INVOKER_EMAIL = "${google_service_account.tasks_invoker.account_id}@${var.project_id}.iam.gserviceaccount.com"

    # Who may call what (functions/http/callers.py). The jobs take only ID tokens of the
    # scheduler's account (scheduler.tf), the task handlers only the tasks account's, each for
    # its own URL. Those functions are private, so Cloud Run verifies the token first and
    # passes it on with its signature removed: CLOUD_RUN_INVOKER_CHECK says so (never set it
    # where a job or task function is public). Administrators' tokens are verified in full:
    # for the admin sign-in's OAuth client, or one of ADMIN_AUDIENCES.
    SCHEDULER_INVOKER_EMAIL = "${google_service_account.scheduler_invoker.account_id}@${var.project_id}.iam.gserviceaccount.com"
    CLOUD_RUN_INVOKER_CHECK = "true"
    GOOGLE_OAUTH_CLIENT_ID  = var.google_oauth_client_id
    ADMIN_AUDIENCES         = var.admin_audiences

    # Cloud Functions adds this itself (functions-framework then labels each JSON log line
    # with its execution id); declaring it avoids a permanent diff.
    LOG_EXECUTION_ID = "true"
  }

  # An empty optional setting is left out, so the code sees it unset (cloudbuild does the same).
  environment = { for name, value in local.all_environment : name => value if value != "" }

  # What is deployed: the code main.py needs, and nothing else (no tests, bench, infra but
  # the default service-level policy,
  # virtualenvs, git, functions/devtools, the local-only code, or functions/cli, the `ecd`
  # tool administrators run on their own machines). Text files only: the archive is built
  # from file() contents.
  source_files = sort([
    for f in setunion(
      fileset(local.repo_root, "main.py"),
      fileset(local.repo_root, "requirements.txt"),
      fileset(local.repo_root, "functions/**"),
      fileset(local.repo_root, "templates/**"),
      # The service-level policy that applies until one is loaded into Firestore.
      fileset(local.repo_root, "infra/service_levels.json"),
      fileset(local.repo_root, "infra/forum_plan.json")
    ) : f if !strcontains(f, "__pycache__") && !endswith(f, ".pyc") && !startswith(f, "functions/devtools/") && !startswith(f, "functions/cli/")
  ])
}

data "archive_file" "function_source" {
  type        = "zip"
  output_path = "${path.module}/build/function-source.zip"

  dynamic "source" {
    for_each = local.source_files
    content {
      filename = source.value
      content  = file("${local.repo_root}/${source.value}")
    }
  }
}

resource "google_storage_bucket" "function_source" {
  # It holds only the zipped source of this repository, no personal data, each upload under a
  # new name (its MD5) that nothing overwrites; Cloud Build deploys from its own bucket.
  #checkov:skip=CKV_GCP_62:Only code from this repository, no personal data: who deploys what is in the Cloud Functions and Cloud Build audit logs; usage logs would need a second bucket
  #checkov:skip=CKV_GCP_78:Objects are named by their content's MD5 and never overwritten, and each is rebuilt from git, so versioning would keep nothing more
  name                        = "${var.project_id}-function-source"
  location                    = upper(var.region)
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
}

resource "google_storage_bucket_object" "function_source" {
  # A new name per content, so a code change is a new object.
  name   = "function-source-${data.archive_file.function_source.output_md5}.zip"
  bucket = google_storage_bucket.function_source.name
  source = data.archive_file.function_source.output_path
}

resource "google_cloudfunctions2_function" "fn" {
  for_each = local.deployed_functions

  # ingress_settings = "ALLOW_ALL": parents' browsers, Google Apps Script and Amazon SNS call
  # from the internet; the private functions are closed by IAM (run.invoker, below) and check
  # the caller's OIDC token themselves.
  #checkov:skip=CKV_GCP_124:Parent-facing entry points must be reachable from the internet; private ones are closed by IAM (run.invoker for one service account) and verify its OIDC token

  name     = each.key
  location = var.region

  build_config {
    runtime         = "python311"
    entry_point     = each.key
    service_account = google_service_account.builder.id
    source {
      storage_source {
        bucket = google_storage_bucket.function_source.name
        object = google_storage_bucket_object.function_source.name
      }
    }
  }

  service_config {
    available_memory               = each.value.memory
    timeout_seconds                = each.value.timeout
    max_instance_count             = var.max_instances
    ingress_settings               = "ALLOW_ALL"
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.backend.email
    environment_variables          = local.environment

    dynamic "secret_environment_variables" {
      for_each = local.secrets
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = google_secret_manager_secret.secret[secret_environment_variables.key].secret_id
        version    = "latest"
      }
    }
  }

  lifecycle {
    # Terraform creates each function with the code of the checkout it runs from; after that
    # Cloud Build ships code. Without this, an apply from an older checkout would roll the
    # code back.
    ignore_changes = [build_config[0].source]

    precondition {
      condition     = !contains(local.local_only_functions, each.key)
      error_message = "${each.key} is a local-only entry point (make run); it must never be deployed."
    }
    precondition {
      condition     = var.mail_transport != "smtp" || (var.smtp_host != "" && var.smtp_username != "")
      error_message = "mail_transport = \"smtp\" needs smtp_host and smtp_username (the password is the smtp-password secret)."
    }
    precondition {
      condition     = each.value.public || contains(keys(local.invoker_emails), coalesce(each.value.invoker, "-"))
      error_message = "${each.key} is not public, so it needs invoker = one of ${join(", ", keys(local.invoker_emails))}."
    }
  }

  depends_on = [
    google_project_service.api,
    google_project_iam_member.builder,
    google_secret_manager_secret_iam_member.backend,
  ]
}

# Gen2 functions are Cloud Run services: invocation is Cloud Run's run.invoker role on the
# service (whose name differs from the function's: no underscores).
resource "google_cloud_run_service_iam_member" "invoker" {
  for_each = local.deployed_functions

  location = var.region
  service  = google_cloudfunctions2_function.fn[each.key].service_config[0].service
  role     = "roles/run.invoker"
  # A private function's invoker is checked by the precondition on the function above.
  member = each.value.public ? "allUsers" : "serviceAccount:${try(local.invoker_emails[each.value.invoker], "")}"
}
