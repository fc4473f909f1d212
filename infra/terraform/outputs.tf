output "public_base_url" {
  description = "PUBLIC_BASE_URL: every function is PUBLIC_BASE_URL/<name>."
  value       = local.public_base_url
}

output "function_urls" {
  description = "Each deployed function's own URL."
  value       = { for name, fn in google_cloudfunctions2_function.fn : name => fn.url }
}

output "email_events_url" {
  description = "Subscribe the SES feedback SNS topic to this HTTPS endpoint (README, \"Email\")."
  value       = "${local.public_base_url}/email_events"
}

output "firestore_databases" {
  description = "The Firestore databases' ids: main (\"(default)\") and admin, the administrators' own data (FIRESTORE_ADMIN_DATABASE)."
  value = {
    main  = google_firestore_database.main.name
    admin = google_firestore_database.admin.name
  }
}

output "runtime_service_accounts" {
  description = "The functions' runtime identities, by group (iam.tf); each function's is its `identity`."
  value       = { for name, account in google_service_account.runtime : name => account.email }
}

output "tasks_invoker_service_account" {
  description = "The account whose OIDC token tasks carry (the service sets it on each task it creates)."
  value       = google_service_account.tasks_invoker.email
}

output "deployer_service_account" {
  description = "Set this as the Cloud Build trigger's service account."
  value       = google_service_account.deployer.email
}

output "queues" {
  description = "Full Cloud Tasks queue names, by id."
  value       = { for name, q in google_cloud_tasks_queue.queue : name => q.id }
}
