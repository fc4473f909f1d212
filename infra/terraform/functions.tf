# The deployed Cloud Functions (2nd gen): one per name in main.__all__, except the local-only
# ones. Keep this map, main.__all__ and the list in cloudbuild.yaml's deploy step in step:
# tests/unit/test_infra_files.py fails when they differ.
#
# public = true: anyone may call it (parents' browsers, Google Apps Script, Amazon SNS), and
#   its ingress is ALLOW_ALL. public = false: only the `invoker` account may ("tasks" or
#   "scheduler", see iam.tf), and only from inside the project: ALLOW_INTERNAL_ONLY, which
#   lets in Cloud Tasks and Cloud Scheduler of the same project and nothing from the internet.
# identity: the runtime account it runs as (iam.tf, local.identities): parent, intake, staff,
#   admin, jobs, tasks or mail; tests/unit/test_deployment_coverage.py checks each group's
#   members. intake: the parents' intake (the forms and the Google Forms script), which has no
#   role on the administrators' database; parent: the other parents' pages.
# memory: Cloud Run units ("256Mi"); timeout: seconds.
# concurrency: requests one instance serves at once (THREADS of functions-framework is set to
#   the same). The pages and APIs wait on Firestore most of their time, so an instance serves
#   8 at once (4 for the administrators' heavier pages and the charter's PDFs); that needs a
#   whole CPU (cpu = "1", below; below 1 CPU Cloud Run allows 1 request at a time). Jobs and
#   task handlers take 1: a job runs once per schedule, the queue bounds the handlers (5 at a
#   time, infra/queues.yaml), and one at a time keeps the PDFs' and batches' memory bounded;
#   they keep the fractional CPU of their memory size, which costs less.
# warm = true: the parents' intake. min_instance_count = var.intake_min_instances (0 by
#   default: no cost when idle, a cold start of a few seconds for the first parent after a
#   quiet spell; 1 keeps one instance of each warm, at the price of an always-on instance).
locals {
  functions = {
    feedback_form      = { public = true, identity = "intake", memory = "256Mi", timeout = 60, concurrency = 8, warm = true }
    submit_feedback    = { public = true, identity = "intake", memory = "256Mi", timeout = 60, concurrency = 8, warm = true }
    intake_google_form = { public = true, identity = "intake", memory = "256Mi", timeout = 60, concurrency = 8, warm = true }
    case_status        = { public = true, identity = "parent", memory = "256Mi", timeout = 60, concurrency = 8 }
    deliver_email      = { public = false, identity = "mail", memory = "256Mi", timeout = 180, concurrency = 1, invoker = "tasks" }
    sweep_outbox       = { public = false, identity = "mail", memory = "256Mi", timeout = 300, concurrency = 1, invoker = "scheduler" }
    email_events       = { public = true, identity = "mail", memory = "256Mi", timeout = 60, concurrency = 8 }
    unsubscribe        = { public = true, identity = "parent", memory = "256Mi", timeout = 60, concurrency = 8 }
    privacy            = { public = true, identity = "parent", memory = "256Mi", timeout = 60, concurrency = 8 }
    case_reply         = { public = true, identity = "parent", memory = "256Mi", timeout = 60, concurrency = 8 }
    rate_case          = { public = true, identity = "parent", memory = "256Mi", timeout = 60, concurrency = 8 }
    # A centre's public charter page; its PDFs are drawn in Python (fpdf2).
    charter     = { public = true, identity = "parent", memory = "512Mi", timeout = 60, concurrency = 4 }
    case_action = { public = true, identity = "staff", memory = "256Mi", timeout = 60, concurrency = 8 }
    # Public at the network level: they verify the caller's Google ID token themselves.
    admin        = { public = true, identity = "admin", memory = "512Mi", timeout = 300, concurrency = 4 }
    admin_api    = { public = true, identity = "admin", memory = "512Mi", timeout = 300, concurrency = 4 }
    run_nudges   = { public = false, identity = "jobs", memory = "256Mi", timeout = 300, concurrency = 1, invoker = "scheduler" }
    send_digests = { public = false, identity = "jobs", memory = "256Mi", timeout = 300, concurrency = 1, invoker = "scheduler" }
    send_nudge   = { public = false, identity = "tasks", memory = "256Mi", timeout = 60, concurrency = 1, invoker = "tasks" }
    send_digest  = { public = false, identity = "tasks", memory = "512Mi", timeout = 300, concurrency = 1, invoker = "tasks" }
    # Public: administrators call it too, so it verifies the scheduler's token in full itself.
    setup_monthly_forums = { public = true, identity = "admin", memory = "512Mi", timeout = 300, concurrency = 1, invoker = "scheduler" }
    invite_to_forums     = { public = false, identity = "tasks", memory = "512Mi", timeout = 300, concurrency = 1, invoker = "tasks" }
    # Public at the network level: an administrator's Bearer token, verified by the function.
    import_attendance       = { public = true, identity = "admin", memory = "512Mi", timeout = 300, concurrency = 4 }
    forum_survey            = { public = true, identity = "parent", memory = "256Mi", timeout = 60, concurrency = 8 }
    run_forum_followups     = { public = false, identity = "jobs", memory = "256Mi", timeout = 300, concurrency = 1, invoker = "scheduler" }
    compile_forum_summaries = { public = false, identity = "jobs", memory = "512Mi", timeout = 300, concurrency = 1, invoker = "scheduler" }
    # Public at the network level: an administrator's Bearer token, verified by the function;
    # a browser (no token) is sent to admin?page=forum_report.
    forum_report         = { public = true, identity = "admin", memory = "512Mi", timeout = 300, concurrency = 4 }
    send_forum_surveys   = { public = false, identity = "tasks", memory = "512Mi", timeout = 300, concurrency = 1, invoker = "tasks" }
    forums               = { public = true, identity = "parent", memory = "256Mi", timeout = 60, concurrency = 8 }
    forum_registration   = { public = true, identity = "parent", memory = "256Mi", timeout = 60, concurrency = 8 }
    send_forum_reminders = { public = false, identity = "tasks", memory = "512Mi", timeout = 300, concurrency = 1, invoker = "tasks" }
    tell_forum_change    = { public = false, identity = "tasks", memory = "512Mi", timeout = 300, concurrency = 1, invoker = "tasks" }
    # Public at the network level: an administrator's Bearer token, verified by the function.
    select_advisory_network = { public = true, identity = "admin", memory = "512Mi", timeout = 300, concurrency = 4 }
    advisory_response       = { public = true, identity = "staff", memory = "256Mi", timeout = 60, concurrency = 8 }
    send_advisory_notices   = { public = false, identity = "tasks", memory = "512Mi", timeout = 300, concurrency = 1, invoker = "tasks" }
    # Service charters. distribute_charters: an administrator's Bearer token, verified by the
    # function; send_charter renders nothing (the PDFs are rendered by deliver_email).
    distribute_charters = { public = true, identity = "admin", memory = "512Mi", timeout = 300, concurrency = 4 }
    send_charter        = { public = false, identity = "tasks", memory = "512Mi", timeout = 60, concurrency = 1, invoker = "tasks" }
    confirm_charter     = { public = true, identity = "staff", memory = "256Mi", timeout = 60, concurrency = 8 }
    remind_charters     = { public = false, identity = "jobs", memory = "512Mi", timeout = 300, concurrency = 1, invoker = "scheduler" }
    # POPIA retention, daily: a run stops after 240 s (services/privacy/retention.py) and the
    # next carries on, so 300 s is room enough whatever the backlog.
    retain_records = { public = false, identity = "jobs", memory = "512Mi", timeout = 300, concurrency = 1, invoker = "scheduler" }
  }

  # Served by `make run` only (dev_mailbox shows captured mail); never deployed.
  local_only_functions = ["dev_mailbox"]

  # The same map with every key present, so the resources below see one type.
  deployed_functions = {
    for name, fn in local.functions : name => {
      public      = fn.public
      identity    = fn.identity
      memory      = fn.memory
      timeout     = fn.timeout
      concurrency = fn.concurrency
      # Concurrency above 1 needs a whole CPU; null leaves the CPU of the memory size.
      cpu           = fn.concurrency > 1 ? "1" : null
      min_instances = try(fn.warm, false) ? var.intake_min_instances : 0
      invoker       = try(fn.invoker, null)
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

    # The administrators' database (firestore.tf); the main one is "(default)", the client's
    # own default. Every function gets it, whether or not its account may read it (iam.tf).
    FIRESTORE_ADMIN_DATABASE = google_firestore_database.admin.name

    # Where the backend queues deliveries, and whose OIDC token each task carries to
    # deliver_email (the accounts that queue may act as it: tasks.tf).
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

  # Ingress: ALLOW_INTERNAL_ONLY for the private functions (Cloud Tasks and Cloud Scheduler
  # of the same project count as internal); ALLOW_ALL for the public ones, which parents'
  # browsers, Google Apps Script and Amazon SNS call from the internet.
  #checkov:skip=CKV_GCP_124:Only the public entry points (parents' pages and forms, Apps Script, SNS, administrators' pages) are ALLOW_ALL, as the internet must reach them; every private one is ALLOW_INTERNAL_ONLY and closed by IAM

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
    available_memory                 = each.value.memory
    available_cpu                    = each.value.cpu
    timeout_seconds                  = each.value.timeout
    max_instance_request_concurrency = each.value.concurrency
    min_instance_count               = each.value.min_instances
    max_instance_count               = var.max_instances
    ingress_settings                 = each.value.public ? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.runtime[each.value.identity].email
    # functions-framework serves THREADS requests at once (its default is 4 per CPU): the
    # same as the instance's concurrency, so that none waits inside it.
    environment_variables = merge(local.environment, { THREADS = tostring(each.value.concurrency) })

    # Only the secrets of the function's own identity (iam.tf), each readable by it alone.
    dynamic "secret_environment_variables" {
      for_each = { for variable in local.identities[each.value.identity].secrets : variable => local.secrets[variable] }
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
      condition     = contains(keys(local.identities), each.value.identity)
      error_message = "${each.key}: identity must be one of ${join(", ", keys(local.identities))} (iam.tf)."
    }
    precondition {
      condition     = each.value.public || contains(keys(local.invoker_emails), coalesce(each.value.invoker, "-"))
      error_message = "${each.key} is not public, so it needs invoker = one of ${join(", ", keys(local.invoker_emails))}."
    }
  }

  depends_on = [
    google_project_service.api,
    google_project_iam_member.builder,
    google_secret_manager_secret_iam_member.runtime,
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
