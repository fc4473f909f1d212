variable "project_id" {
  description = "The Google Cloud project that runs the backend."
  type        = string
}

variable "region" {
  description = "Where the functions (and their source bucket and secrets) live. Johannesburg: POPIA prefers personal information to stay in South Africa."
  type        = string
  default     = "africa-south1"
}

variable "firestore_location" {
  description = "The Firestore databases' location (the main one and the administrators'). Cannot be changed once a database exists."
  type        = string
  default     = "africa-south1"
}

variable "firestore_admin_database" {
  description = "FIRESTORE_ADMIN_DATABASE: the id of the Firestore database that holds the administrators' own data (the allow-list, action points, the erasure log: local.admin_collections in firestore.tf); everything else is in \"(default)\". Its own database because IAM grants on whole databases: no account but the administrators' gets a role on it (iam.tf). Cannot be renamed once it exists (a new id is a new, empty database)."
  type        = string
  default     = "ecd-admin"

  # Firestore's rule for a database id: 4 to 63 characters, lower-case letters, digits and
  # hyphens, starting with a letter and not ending with a hyphen.
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,61}[a-z0-9]$", var.firestore_admin_database))
    error_message = "firestore_admin_database must be 4-63 characters of a-z, 0-9 and -, start with a letter and not end with -."
  }
}

variable "tasks_location" {
  description = "The Cloud Tasks queues' location (check with `gcloud tasks locations list`)."
  type        = string
  default     = "africa-south1"
}

variable "scheduler_region" {
  description = "The Cloud Scheduler jobs' region (check with `gcloud scheduler locations list`)."
  type        = string
  default     = "africa-south1"
}

variable "time_zone" {
  description = "The time zone Cloud Scheduler reads cron schedules in."
  type        = string
  default     = "Africa/Johannesburg"
}

variable "network_name" {
  description = "The network's name as parents see it in pages and emails (NETWORK_NAME)."
  type        = string
  default     = "SayPro ECD Network"
}

variable "network_contact_email" {
  description = "A mailbox a person reads: the privacy page's contact, and where replies to our emails go unless mail_reply_to says otherwise (NETWORK_CONTACT_EMAIL)."
  type        = string
  default     = "info@ecd.example.org"
}

variable "network_contact_phone" {
  description = "The network's phone number as the privacy page shows it (NETWORK_CONTACT_PHONE)."
  type        = string
  default     = "010 500 0100"
}

variable "information_officer" {
  description = "The name of the network's Information Officer under POPIA (INFORMATION_OFFICER)."
  type        = string
  default     = "The Information Officer"
}

variable "information_officer_email" {
  description = "Where parents ask to see, correct or delete their information (INFORMATION_OFFICER_EMAIL)."
  type        = string
  default     = "privacy@ecd.example.org"
}

variable "allowed_origins" {
  description = "Origins of the network's own web forms allowed to call the JSON API from a browser (ALLOWED_ORIGINS)."
  type        = list(string)
  default     = []
}

variable "google_oauth_client_id" {
  description = "GOOGLE_OAUTH_CLIENT_ID: the OAuth client (type Web application) of the admin pages' \"Sign in with Google\"; its authorised JavaScript origin is the functions' base URL (README, \"Administrators: signing in\"). Empty: no browser sign-in."
  type        = string
  default     = ""
}

variable "admin_audiences" {
  description = "ADMIN_AUDIENCES: comma-separated OAuth client ids whose ID tokens administrators may also bring (the ecd tool), e.g. 32555940559.apps.googleusercontent.com for `gcloud auth print-identity-token`. Empty: the sign-in's client only."
  type        = string
  default     = ""
}

variable "max_instances" {
  description = "Upper bound on instances per function: the public endpoints' cost ceiling under abuse."
  type        = number
  default     = 10
}

variable "intake_min_instances" {
  description = "Instances kept warm for each of the parents' intake entry points (feedback_form, submit_feedback, intake_google_form: `warm` in functions.tf). 0: nothing is paid while nobody writes, and the first parent after a quiet spell waits for a cold start (a few seconds). 1: that wait is gone, for the price of three instances always on (billed while idle at Cloud Run's idle rate)."
  type        = number
  default     = 0

  validation {
    condition     = var.intake_min_instances >= 0 && var.intake_min_instances <= 3 && floor(var.intake_min_instances) == var.intake_min_instances
    error_message = "intake_min_instances must be 0, 1, 2 or 3."
  }
}

# --- Mail (see README, "Email"): each variable is one setting in functions/config.py. -------
# Cloud Build deploys the same settings: change the matching trigger substitution too.

variable "mail_transport" {
  description = "MAIL_TRANSPORT: \"ses\" (Amazon SES; secrets ses-access-key-id, ses-secret-access-key) or \"smtp\" (STARTTLS; secret smtp-password)."
  type        = string
  default     = "ses"

  validation {
    condition     = contains(["ses", "smtp"], var.mail_transport)
    error_message = "mail_transport must be \"ses\" or \"smtp\" (\"local\" is for make run only)."
  }
}

variable "mail_from" {
  description = "MAIL_FROM: the sender, e.g. \"ECD Network <no-reply@ecd.example.org>\". Its domain must be verified with the mail provider (SES identity with DKIM)."
  type        = string

  validation {
    condition     = can(regex("@[^@>]+\\.[^@>]+>?$", var.mail_from))
    error_message = "mail_from must be an address, optionally with a display name: \"Name <user@domain>\"."
  }
}

variable "mail_reply_to" {
  description = "MAIL_REPLY_TO: where parents' replies go. Empty: no Reply-To header."
  type        = string
  default     = ""
}

variable "ses_region" {
  description = "SES_REGION: the Amazon SES region. Cape Town keeps addresses in South Africa."
  type        = string
  default     = "af-south-1"
}

variable "ses_configuration_set" {
  description = "SES_CONFIGURATION_SET: the SES configuration set whose event destination (SNS) reports bounces and complaints. Empty: none."
  type        = string
  default     = ""
}

variable "sns_topic_arns" {
  description = "SNS_TOPIC_ARNS: the SNS topics email_events accepts messages from (the configuration set's topic). Empty: every message is refused."
  type        = list(string)
  default     = []
}

variable "smtp_host" {
  description = "SMTP_HOST: only with mail_transport = \"smtp\"."
  type        = string
  default     = ""
}

variable "smtp_port" {
  description = "SMTP_PORT: only with mail_transport = \"smtp\" (STARTTLS, usually 587)."
  type        = number
  default     = 587
}

variable "smtp_username" {
  description = "SMTP_USERNAME: only with mail_transport = \"smtp\" (the password is the smtp-password secret)."
  type        = string
  default     = ""
}

variable "outbox_retention_days" {
  description = "OUTBOX_RETENTION_DAYS: how long sent, failed and suppressed outbox records are kept before Firestore's TTL deletes them."
  type        = number
  default     = 90

  validation {
    condition     = var.outbox_retention_days >= 1 && floor(var.outbox_retention_days) == var.outbox_retention_days
    error_message = "outbox_retention_days must be a whole number of days, at least 1."
  }
}

variable "record_retention_months" {
  description = "RECORD_RETENTION_MONTHS: how long closed cases and forums' registrations, attendance and survey responses are kept whole before retain_records de-identifies them (README, Privacy (POPIA))."
  type        = number
  default     = 24

  validation {
    condition     = var.record_retention_months >= 1 && var.record_retention_months <= 1200 && floor(var.record_retention_months) == var.record_retention_months
    error_message = "record_retention_months must be a whole number of months from 1 to 1200."
  }
}
