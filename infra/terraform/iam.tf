# One identity per job, each with only what that job needs.
#
# The functions run as six accounts, one per group of entry points (`identity` in the
# functions map, functions.tf). What IAM can separate between them, and what it cannot:
#
# - Secrets: each secret's accessor binding names only the accounts that read it (secrets.tf).
#   The SES keys or the SMTP password reach the mail account alone; the Google Forms secret
#   the parent account alone. The signing keys reach every account: every group signs links
#   (deliver_email renders the links of each email it sends; pages verify them).
# - The queue: only accounts whose functions queue work may create (and withdraw) tasks on
#   it, and only they may act as the tasks invoker whose OIDC token the tasks carry.
# - Firestore: IAM grants on the whole database, never on a collection or a document. IAM
#   Conditions on Firestore can name a database (resource.name), not a collection path, and
#   a query (runQuery) needs only datastore.entities.get, the permission every read needs:
#   any account that may read one document may read any. So the parent account CAN read
#   what the administrators' functions read; what keeps a parent from it is the code (every
#   parent page reads only what its signed link or token names), not IAM. What IAM does
#   separate: the parent, staff, task and mail accounts may read, create and update
#   documents but not delete them nor list collections (ecdFirestoreWriter below); only the
#   administrators' functions (attendance corrections, erasure) and the jobs (retention)
#   delete. A second database for the administrators' data would be the only way to have
#   IAM itself keep them apart (README, "What only a real project can verify").
locals {
  identities = {
    # Parents' browsers, the Google Forms script, the JSON API: intake and parents' pages.
    parent = { firestore = "writer", queues = true, secrets = ["SIGNING_SECRETS", "INTAKE_SECRET"] }
    # Centre staff and nominees, from the signed links in their mail.
    staff = { firestore = "writer", queues = true, secrets = ["SIGNING_SECRETS"] }
    # Administrators (a Google identity on the allow-list), and setup_monthly_forums.
    admin = { firestore = "user", queues = true, secrets = ["SIGNING_SECRETS"] }
    # Cloud Scheduler's jobs; retain_records deletes (de-identified rows move to new ids).
    jobs = { firestore = "user", queues = true, secrets = ["SIGNING_SECRETS"] }
    # Cloud Tasks' handlers but deliver_email.
    tasks = { firestore = "writer", queues = true, secrets = ["SIGNING_SECRETS"] }
    # deliver_email, sweep_outbox and email_events: the only ones given the mail provider's
    # credentials (sweep_outbox queues deliveries again).
    mail = { firestore = "writer", queues = true, secrets = concat(["SIGNING_SECRETS"], keys(local.mail_secrets[var.mail_transport])) }
  }
}

resource "google_service_account" "runtime" {
  # Keys only: the identities' settings differ in shape (their secrets lists' lengths).
  for_each = toset(keys(local.identities))

  account_id   = "ecd-fn-${each.key}"
  display_name = "ECD feedback backend: ${each.key} functions (runtime)"
}

# Cloud Tasks signs its calls to the task handlers (deliver_email, send_nudge, ...) with an
# OIDC token of this account; they take no other (TASKS_INVOKER_EMAIL, functions.tf).
resource "google_service_account" "tasks_invoker" {
  account_id   = "ecd-tasks-invoker"
  display_name = "ECD feedback: Cloud Tasks -> task handlers"
}

# Cloud Scheduler signs its calls to scheduled jobs (sweep_outbox, run_nudges, ...) with this
# account; the jobs take no other (SCHEDULER_INVOKER_EMAIL, functions.tf).
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

# Firestore without delete and without listing: every permission the Firestore server client
# needs to read (get, queries, aggregations: datastore.entities.get), to run a transaction
# (datastore.databases.get), and to write with or without a precondition (create, update;
# a merge without precondition needs both).
resource "google_project_iam_custom_role" "firestore_writer" {
  role_id     = "ecdFirestoreWriter"
  title       = "ECD feedback: Firestore read and write, no delete"
  description = "Reads, queries and writes documents; cannot delete them or list collections."
  permissions = [
    "datastore.databases.get",
    "datastore.databases.getMetadata",
    "datastore.entities.create",
    "datastore.entities.get",
    "datastore.entities.update",
  ]
}

resource "google_project_iam_member" "runtime_firestore" {
  for_each = toset(keys(local.identities))

  project = var.project_id
  role    = local.identities[each.key].firestore == "writer" ? google_project_iam_custom_role.firestore_writer.name : "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.runtime[each.key].email}"
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

# Cloud Build only re-deploys code: `gcloud functions deploy` of functions Terraform created,
# with their settings. Terraform owns who may invoke each function (functions.tf,
# google_cloud_run_service_iam_member), so the build never passes --allow-unauthenticated
# and needs no permission on Cloud Run's IAM (run.services.setIamPolicy, which only
# roles/run.admin among the predefined roles grants). cloudfunctions.developer deploys; the
# actAs bindings below let it deploy a function as its runtime account and build account.
resource "google_project_iam_member" "deployer" {
  for_each = toset([
    "roles/cloudfunctions.developer",
    "roles/logging.logWriter", # Cloud Build logs of a user-chosen account
  ])

  project = var.project_id
  role    = each.key
  member  = "serviceAccount:${google_service_account.deployer.email}"
}

# Deploying a function "as" its runtime and build accounts needs actAs on both.
resource "google_service_account_iam_member" "deployer_acts_as" {
  for_each = merge(
    { for name, account in google_service_account.runtime : name => account.name },
    { builder = google_service_account.builder.name },
  )

  service_account_id = each.value
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.deployer.email}"
}
