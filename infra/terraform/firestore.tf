# The Firestore databases, their indexes and field overrides (from infra/firestore.indexes.json,
# in the `firebase firestore:indexes` format) and their security rules (infra/firestore.rules).
# Both files are the single source: edit them, not this file.
#
# Two databases, because Firestore's IAM grants on a whole database and never on a collection
# (iam.tf): "(default)" holds everything but the administrators' own data, which is in
# var.firestore_admin_database (FIRESTORE_ADMIN_DATABASE), where no account but the
# administrators' has a role at all.

locals {
  firestore_indexes = jsondecode(file("${local.infra_dir}/firestore.indexes.json"))

  # The collections of the administrators' database: the allow-list, action points, the log
  # of erasures. The same list as ADMIN_COLLECTIONS in functions/adapters/firestore/base.py,
  # which the code reads (tests/unit/test_admin_database.py holds the two together). An
  # index or field override of infra/firestore.indexes.json on one of these collection
  # groups is made in that database, every other one in "(default)".
  admin_collections = ["administrators", "action_points", "privacy_erasures"]
}

resource "google_firestore_database" "main" {
  name        = "(default)"
  location_id = var.firestore_location
  type        = "FIRESTORE_NATIVE"

  concurrency_mode                  = "PESSIMISTIC"
  app_engine_integration_mode       = "DISABLED"
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = "DELETE_PROTECTION_ENABLED"
  # `terraform destroy` leaves the database (and every case in it) alone.
  deletion_policy = "ABANDON"

  depends_on = [google_project_service.api]
}

# The administrators' database: the same settings as the main one (location, point-in-time
# recovery, delete protection, left alone by `terraform destroy`, pessimistic transactions).
resource "google_firestore_database" "admin" {
  name        = var.firestore_admin_database
  location_id = var.firestore_location
  type        = "FIRESTORE_NATIVE"

  concurrency_mode                  = "PESSIMISTIC"
  app_engine_integration_mode       = "DISABLED"
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = "DELETE_PROTECTION_ENABLED"
  deletion_policy                   = "ABANDON"

  depends_on = [google_project_service.api]
}

# Composite indexes, each in the database of its collection group (local.admin_collections).
resource "google_firestore_index" "composite" {
  for_each = {
    for index in local.firestore_indexes.indexes :
    join(" ", concat(
      [index.collectionGroup, try(index.queryScope, "COLLECTION")],
      [for field in index.fields : "${field.fieldPath}:${try(field.order, field.arrayConfig, "vector")}"]
    )) => index
  }

  database    = contains(local.admin_collections, each.value.collectionGroup) ? google_firestore_database.admin.name : google_firestore_database.main.name
  collection  = each.value.collectionGroup
  query_scope = try(each.value.queryScope, "COLLECTION")

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path   = fields.value.fieldPath
      order        = try(fields.value.order, null)
      array_config = try(fields.value.arrayConfig, null)
    }
  }
}

# Field overrides: `"indexes": []` exempts a field (and, for a map, every field inside it)
# from single-field indexing; `"ttl": true` makes Firestore delete a document some time
# (usually within a day) after the timestamp in that field has passed.
resource "google_firestore_field" "override" {
  for_each = {
    for field in local.firestore_indexes.fieldOverrides :
    "${field.collectionGroup}.${field.fieldPath}" => field
  }

  database   = contains(local.admin_collections, each.value.collectionGroup) ? google_firestore_database.admin.name : google_firestore_database.main.name
  collection = each.value.collectionGroup
  field      = each.value.fieldPath

  # An empty block disables every single-field index on the field.
  index_config {
    dynamic "indexes" {
      for_each = each.value.indexes
      content {
        query_scope  = try(indexes.value.queryScope, null)
        order        = try(indexes.value.order, null)
        array_config = try(indexes.value.arrayConfig, null)
      }
    }
  }

  dynamic "ttl_config" {
    for_each = try(each.value.ttl, false) ? [true] : []
    content {}
  }
}

resource "google_firebaserules_ruleset" "firestore" {
  source {
    files {
      name    = "firestore.rules"
      content = file("${local.infra_dir}/firestore.rules")
    }
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [google_firestore_database.main, google_firestore_database.admin]
}

# The same deny-all ruleset, released to each database: "cloud.firestore" is the release of
# "(default)", "cloud.firestore/<database id>" that of a named database.
resource "google_firebaserules_release" "firestore" {
  name         = "cloud.firestore"
  ruleset_name = "projects/${var.project_id}/rulesets/${google_firebaserules_ruleset.firestore.name}"

  lifecycle {
    replace_triggered_by = [google_firebaserules_ruleset.firestore]
  }
}

resource "google_firebaserules_release" "firestore_admin" {
  name         = "cloud.firestore/${google_firestore_database.admin.name}"
  ruleset_name = "projects/${var.project_id}/rulesets/${google_firebaserules_ruleset.firestore.name}"

  lifecycle {
    replace_triggered_by = [google_firebaserules_ruleset.firestore]
  }
}
