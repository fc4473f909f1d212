# One identity per job, each with only what that job needs.
#
# The functions run as seven accounts, one per group of entry points (`identity` in the
# functions map, functions.tf). What IAM can separate between them, and what it cannot:
#
# - Secrets: each secret's accessor binding names only the accounts that read it (secrets.tf).
#   The SES keys or the SMTP password reach the mail account alone; the Google Forms secret
#   the intake account alone. The signing keys reach every account: every group signs links
#   (deliver_email renders the links of each email it sends; pages verify them).
# - The queue: only accounts whose functions queue work may create (and withdraw) tasks on
#   it, and only they may act as the tasks invoker whose OIDC token the tasks carry.
# - Firestore: IAM grants on a whole database, never on a collection or a document. IAM
#   Conditions on Firestore can name a database (resource.name), not a collection path, and
#   a query (runQuery) needs only datastore.entities.get, the permission every read needs:
#   an account that may read one document of a database may read all of it. So the
#   administrators' own data (the allow-list, action points, the erasure log:
#   local.admin_collections, firestore.tf) has a database of its own, and every Firestore
#   grant below is conditioned on one database by name: none reaches a database it does not
#   name. What that enforces: only the administrators' account may read or write the
#   administrators' database; the parent, intake, staff, jobs, task and mail accounts have
#   no grant on it at all. (Their flows that mail administrators, a forum's places running
#   low and the forums' summaries, read the copy of the active administrators' addresses kept
#   in "(default)", administrator_contacts, rewritten whenever the allow-list is.)
#   In the main database, the parent, intake, staff, task and mail accounts may read, create
#   and update documents but not delete them nor list collections (ecdFirestoreWriter below);
#   only the administrators' functions (attendance corrections, erasure) and the jobs
#   (retention) delete.
#   What IAM still does not separate: inside "(default)" every account reads every
#   collection. The collections several groups write (cases, their events, the outbox, the
#   forums' rows, ...) are readable by each account that writes any of them: the parent
#   account can read every case, not only the one its link names, and the outbox, which
#   carries mail to administrators too (the forums' summaries, whose content comes from the
#   survey responses, also in "(default)"). What keeps a parent from those is the code (every
#   parent page reads only what its signed link or token names), not IAM.
locals {
  identities = {
    # Parents' pages but the intake, from their links and the forums' pages (status, replies,
    # privacy, charter, forums, surveys). None of the administrators' data (forum_registration
    # mails a forum's administrators from administrator_contacts when its places run low).
    parent = { firestore = "writer", admin_database = null, queues = true, secrets = ["SIGNING_SECRETS"] }
    # The parents' intake: feedback_form, submit_feedback and the Google Forms script's
    # intake_google_form (the only one given the Google Forms secret). Nothing of the
    # administrators' database: the account the public reaches most.
    intake = { firestore = "writer", admin_database = null, queues = true, secrets = ["SIGNING_SECRETS", "INTAKE_SECRET"] }
    # Centre staff and nominees, from the signed links in their mail. None of the
    # administrators' data.
    staff = { firestore = "writer", admin_database = null, queues = true, secrets = ["SIGNING_SECRETS"] }
    # Administrators (a Google identity on the allow-list), and setup_monthly_forums: the
    # allow-list, action points and erasures are theirs to read, write and delete.
    admin = { firestore = "user", admin_database = "user", queues = true, secrets = ["SIGNING_SECRETS"] }
    # Cloud Scheduler's jobs; retain_records deletes (de-identified rows move to new ids).
    # None of the administrators' data (compile_forum_summaries mails the summaries from
    # administrator_contacts).
    jobs = { firestore = "user", admin_database = null, queues = true, secrets = ["SIGNING_SECRETS"] }
    # Cloud Tasks' handlers but deliver_email. None of the administrators' data.
    tasks = { firestore = "writer", admin_database = null, queues = true, secrets = ["SIGNING_SECRETS"] }
    # deliver_email, sweep_outbox and email_events: the only ones given the mail provider's
    # credentials (sweep_outbox queues deliveries again). None of the administrators' data.
    mail = { firestore = "writer", admin_database = null, queues = true, secrets = concat(["SIGNING_SECRETS"], keys(local.mail_secrets[var.mail_transport])) }
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

locals {
  # What `firestore` and `admin_database` of an identity stand for (another value fails the
  # plan): the custom role above, or Firestore's predefined read-write-delete role.
  firestore_roles = {
    writer = google_project_iam_custom_role.firestore_writer.name
    user   = "roles/datastore.user"
  }

  # Every runtime account's Firestore grants, "<database>/<identity>" => grant: the main
  # database for each (`firestore`), the administrators' for those with an `admin_database`.
  firestore_grants = merge(
    {
      for name, spec in local.identities : "main/${name}" => {
        identity = name
        database = google_firestore_database.main.name
        role     = local.firestore_roles[spec.firestore]
      }
    },
    {
      for name, spec in local.identities : "admin/${name}" => {
        identity = name
        database = google_firestore_database.admin.name
        role     = local.firestore_roles[spec.admin_database]
      } if spec.admin_database != null
    },
  )
}

# Granted on the project (Firestore has no IAM policy of its own), so each is conditioned on
# its one database by name, the form Firestore documents for per-database access: without
# the condition a grant would reach every database of the project, the administrators' too.
resource "google_project_iam_member" "runtime_firestore" {
  for_each = local.firestore_grants

  project = var.project_id
  role    = each.value.role
  member  = "serviceAccount:${google_service_account.runtime[each.value.identity].email}"

  condition {
    title       = "Firestore database ${each.value.database} only"
    description = "The ${each.value.identity} functions' access to this one Firestore database (infra/terraform/iam.tf)."
    expression  = "resource.name == \"projects/${var.project_id}/databases/${each.value.database}\""
  }

  # A changed condition replaces the binding: the new one first, so that no function is
  # ever without access to its database.
  lifecycle {
    create_before_destroy = true
  }
}

# Before the administrators' database, each account had one unconditioned grant keyed by its
# name; it is now the (conditioned) grant on the main database, replaced in place.
moved {
  from = google_project_iam_member.runtime_firestore["parent"]
  to   = google_project_iam_member.runtime_firestore["main/parent"]
}

moved {
  from = google_project_iam_member.runtime_firestore["staff"]
  to   = google_project_iam_member.runtime_firestore["main/staff"]
}

moved {
  from = google_project_iam_member.runtime_firestore["admin"]
  to   = google_project_iam_member.runtime_firestore["main/admin"]
}

moved {
  from = google_project_iam_member.runtime_firestore["jobs"]
  to   = google_project_iam_member.runtime_firestore["main/jobs"]
}

moved {
  from = google_project_iam_member.runtime_firestore["tasks"]
  to   = google_project_iam_member.runtime_firestore["main/tasks"]
}

moved {
  from = google_project_iam_member.runtime_firestore["mail"]
  to   = google_project_iam_member.runtime_firestore["main/mail"]
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
