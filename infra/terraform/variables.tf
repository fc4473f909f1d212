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
  description = "The Firestore database's location. Cannot be changed once the database exists."
  type        = string
  default     = "africa-south1"
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

variable "allowed_origins" {
  description = "Origins of the network's own web forms allowed to call the JSON API from a browser (ALLOWED_ORIGINS)."
  type        = list(string)
  default     = []
}

variable "max_instances" {
  description = "Upper bound on instances per function: the public endpoints' cost ceiling under abuse."
  type        = number
  default     = 10
}
