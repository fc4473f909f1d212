# One identity per job, each with only what that job needs.

# Runs every function: reads and writes Firestore (below), enqueues delivery tasks on each
# queue and acts as ecd-tasks-invoker so those tasks carry its OIDC token (tasks.tf), and
# reads its secrets (secrets.tf).
resource "google_service_account" "backend" {
  account_id   = "ecd-backend"
  display_name = "ECD feedback backend (function runtime)"
}

# Cloud Tasks signs its calls to the task handlers (deliver_email, send_nudge, send_digest)
# with an OIDC token of this account; they take no other (TASKS_INVOKER_EMAIL, functions.tf).
resource "google_service_account" "tasks_invoker" {
  account_id   = "ecd-tasks-invoker"
  display_name = "ECD feedback: Cloud Tasks -> task handlers"
}

# Cloud Scheduler signs its calls to scheduled jobs (sweep_outbox, run_nudges, send_digests)
# with this account; the jobs take no other (SCHEDULER_INVOKER_EMAIL, functions.tf).
resource "google_service_account" "scheduler_invoker" {
  account_id   = "ecd-scheduler-invoker"
  display_name = "ECD feedback: Cloud Scheduler -> jobs"
}

# Builds the functions' containers (instead of the default compute account, which new
# organisations leave without roles).
resource "google_service_account" "builder" {
  account_id   = "ecd-function-builder"
  display_name = "ECD feedback: function builds"
}

# Cloud Build's deploy step runs as this account (set it on the trigger, see README).
resource "google_service_account" "deployer" {
  account_id   = "ecd-deployer"
  display_name = "ECD feedback: Cloud Build deploys"
}

locals {
  # Who may call each non-public function; the functions map names one of these.
  invoker_emails = {
    tasks     = google_service_account.tasks_invoker.email
    scheduler = google_service_account.scheduler_invoker.email
  }
}

resource "google_project_iam_member" "backend" {
  for_each = toset(["roles/datastore.user"])

  project = var.project_id
  role    = each.key
  member  = "serviceAccount:${google_service_account.backend.email}"
}

resource "google_project_iam_member" "builder" {
  for_each = toset([
    "roles/artifactregistry.writer",
    "roles/logging.logWriter",
    "roles/storage.objectViewer",
  ])

  project = var.project_id
  role    = each.key
  member  = "serviceAccount:${google_service_account.builder.email}"
}

resource "google_project_iam_member" "deployer" {
  for_each = toset([
    "roles/cloudfunctions.developer",
    "roles/logging.logWriter", # Cloud Build logs of a user-chosen account
    # Only so that `--allow-unauthenticated` can set the public invoker binding.
    "roles/run.admin",
  ])

  project = var.project_id
  role    = each.key
  member  = "serviceAccount:${google_service_account.deployer.email}"
}

# Deploying a function "as" the runtime and build accounts needs actAs on both.
resource "google_service_account_iam_member" "deployer_acts_as" {
  for_each = {
    backend = google_service_account.backend.name
    builder = google_service_account.builder.name
  }

  service_account_id = each.value
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.deployer.email}"
}
