# The two secrets the functions read as environment variables. Terraform creates the secrets
# but never their values (a value here would sit in the state file): add versions with gcloud,
# see README ("First apply").
locals {
  secrets = {
    # Shared with the Google Forms Apps Script (infra/google_forms); signs its posts.
    INTAKE_SECRET = "intake-secret"
    # Signs form CSRF tokens and parents' status links; rotating it voids every link sent.
    SIGNING_SECRET = "signing-secret"
  }
}

resource "google_secret_manager_secret" "secret" {
  for_each = local.secrets

  secret_id = each.value

  # Kept in South Africa, like the data they protect.
  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }

  depends_on = [google_project_service.api]
}

resource "google_secret_manager_secret_iam_member" "backend" {
  for_each = local.secrets

  secret_id = google_secret_manager_secret.secret[each.key].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.backend.email}"
}
