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

# The backend enqueues (services write the outbox document, then a task naming it).
resource "google_cloud_tasks_queue_iam_member" "backend_enqueues" {
  for_each = google_cloud_tasks_queue.queue

  name     = each.value.name
  location = each.value.location
  role     = "roles/cloudtasks.enqueuer"
  member   = "serviceAccount:${google_service_account.backend.email}"
}

# Creating a task with an OIDC token of the tasks invoker requires actAs on that account.
resource "google_service_account_iam_member" "backend_acts_as_tasks_invoker" {
  service_account_id = google_service_account.tasks_invoker.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.backend.email}"
}
