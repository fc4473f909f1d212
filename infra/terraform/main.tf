# Everything the backend runs on, in one project: see README.md in this folder for what this
# configuration owns (and what Cloud Build owns), the first apply and day-to-day changes.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.4"
    }
  }

  # State lives in a GCS bucket created by hand once (README, "First apply"):
  #   terraform init -backend-config="bucket=PROJECT-tfstate"
  backend "gcs" {
    prefix = "ecd-backend"
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}

locals {
  repo_root = abspath("${path.module}/../..")
  infra_dir = abspath("${path.module}/..")

  # The Cloud Functions base URL; every link in pages and emails starts with it.
  public_base_url = "https://${var.region}-${var.project_id}.cloudfunctions.net"
}

resource "google_project_service" "api" {
  for_each = toset([
    "artifactregistry.googleapis.com", # gen2 functions' container images
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudscheduler.googleapis.com",
    "cloudtasks.googleapis.com",
    "firebaserules.googleapis.com", # releases infra/firestore.rules
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "run.googleapis.com", # gen2 functions are Cloud Run services
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ])

  service = each.key
  # Turning an API off would take running services down with it; never do it from here.
  disable_on_destroy = false
}
