variable "region" {
  description = "AWS region to deploy to: the region where Bedrock is called and logs."
  type        = string
  default     = "us-east-1"
}

variable "alarm_email" {
  description = "E-mail address for alarm notifications; null for none."
  type        = string
  default     = null
}
