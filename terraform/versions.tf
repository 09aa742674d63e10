terraform {
  # `check` blocks need Terraform 1.5. The offline schema check proves the configuration against
  # AWS provider 6.25, so that is the provider floor we promise.
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.25"
    }
  }
}
