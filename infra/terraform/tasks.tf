# Cloud Tasks queues, read from infra/queues.yaml (the same file the local emulator reads).

locals {
  queue_file   = yamldecode(file("${local.infra_dir}/queues.yaml"))
  unit_seconds = { s = 1, m = 60, h = 3600, d = 86400 }

  # queue.yaml spells rates "N/s|m|h|d" and ages "Ns|m|h|d"; Cloud Tasks wants dispatches
  # per second and durations in seconds. A malformed value fails the plan.
  queues = {
    for q in local.queue_file.queue : q.name => {
      per_second = (
        tonumber(regex("^([0-9.]+)/([smhd])$", q.rate)[0])
        / local.unit_seconds[regex("^([0-9.]+)/([smhd])$", q.rate)[1]]
      )
      max_concurrent = try(q.max_concurrent_requests, null)
      max_attempts   = try(q.retry_parameters.task_retry_limit, null)
      max_retry_duration = (
        can(q.retry_parameters.task_age_limit)
        ? format("%ds",
          tonumber(regex("^([0-9]+)([smhd])$", q.retry_parameters.task_age_limit)[0])
          * local.unit_seconds[regex("^([0-9]+)([smhd])$", q.retry_parameters.task_age_limit)[1]]
        )
        : null
      )
      min_backoff   = "${q.retry_parameters.min_backoff_seconds}s"
      max_backoff   = "${q.retry_parameters.max_backoff_seconds}s"
      max_doublings = try(q.retry_parameters.max_doublings, null)
    }
  }
}

resource "google_cloud_tasks_queue" "queue" {
  for_each = local.queues

  name     = each.key
  location = var.tasks_location

  rate_limits {
    max_dispatches_per_second = each.value.per_second
    max_concurrent_dispatches = each.value.max_concurrent
  }

  retry_config {
    max_attempts       = each.value.max_attempts
    max_retry_duration = each.value.max_retry_duration
    min_backoff        = each.value.min_backoff
    max_backoff        = each.value.max_backoff
    max_doublings      = each.value.max_doublings
  }

  depends_on = [google_project_service.api]
}

# Who may queue work: creating a task, and withdrawing one whose commit was refused
# (services/mail/dispatch.py cancel_delivery) or whose forum changed (withdraw_reminders).
# roles/cloudtasks.enqueuer has no tasks.delete, roles/cloudtasks.taskDeleter no create.
resource "google_project_iam_custom_role" "task_queuer" {
  role_id     = "ecdTaskQueuer"
  title       = "ECD feedback: create and withdraw tasks"
  description = "Creates named tasks on a queue and deletes them by name; nothing else."
  permissions = [
    "cloudtasks.tasks.create",
    "cloudtasks.tasks.delete",
  ]
}

locals {
  # The runtime accounts whose functions queue work (iam.tf, `queues` of each identity).
  queuing_identities = [for name, spec in local.identities : name if spec.queues]
}

# On the queues only, never the project: an account that may queue cannot touch queues.
resource "google_cloud_tasks_queue_iam_member" "runtime_queues" {
  for_each = {
    for pair in setproduct(keys(local.queues), local.queuing_identities) :
    "${pair[0]}/${pair[1]}" => { queue = pair[0], identity = pair[1] }
  }

  name     = google_cloud_tasks_queue.queue[each.value.queue].name
  location = google_cloud_tasks_queue.queue[each.value.queue].location
  role     = google_project_iam_custom_role.task_queuer.name
  member   = "serviceAccount:${google_service_account.runtime[each.value.identity].email}"
}

# Creating a task with an OIDC token of the tasks invoker requires actAs on that account:
# given to the accounts that queue, and to no other.
resource "google_service_account_iam_member" "runtime_acts_as_tasks_invoker" {
  for_each = toset(local.queuing_identities)

  service_account_id = google_service_account.tasks_invoker.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.runtime[each.key].email}"
}
