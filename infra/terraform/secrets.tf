# The secrets the functions read as environment variables (env var name => secret id).
# Terraform creates the secrets but never their values (a value here would sit in the state
# file): add versions with gcloud, see README ("First apply" and "Email"). A function whose
# secret has no version does not start, so only the chosen mail transport's secrets exist.
locals {
  mail_secrets = {
    # boto3 reads the SES credentials (an IAM user allowed ses:SendEmail and
    # ses:SendRawEmail, see README "Email") from these.
    ses = {
      AWS_ACCESS_KEY_ID     = "ses-access-key-id"
      AWS_SECRET_ACCESS_KEY = "ses-secret-access-key"
    }
    smtp = {
      SMTP_PASSWORD = "smtp-password"
    }
  }

  secrets = merge(
    {
      # Shared with the Google Forms Apps Script (infra/google_forms); signs its posts.
      INTAKE_SECRET = "intake-secret"
      # Sign form CSRF tokens, parents' status links and unsubscribe links: a comma-separated
      # list of keys, oldest first. The newest signs and all verify, so to rotate, add a
      # version holding "old,new"; drop the old key later, when its links may stop working.
      SIGNING_SECRETS = "signing-secrets"
    },
    local.mail_secrets[var.mail_transport],
  )
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

# Each secret readable only by the runtime accounts that mount it (iam.tf, `secrets` of each
# identity): the mail provider's credentials by the mail account alone, the Google Forms
# secret by the intake account alone (intake_google_form verifies the script's posts).
resource "google_secret_manager_secret_iam_member" "runtime" {
  for_each = {
    for pair in flatten([
      for identity, spec in local.identities : [
        for variable in spec.secrets : { identity = identity, variable = variable }
      ]
    ]) : "${pair.identity}/${pair.variable}" => pair
  }

  secret_id = google_secret_manager_secret.secret[each.value.variable].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.runtime[each.value.identity].email}"
}
